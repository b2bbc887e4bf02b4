"""The TLS certificate a site presented: subject and DNS names, as evidence of co-hosting."""

from __future__ import annotations

import json

from cryptography import x509


def certificate_facts(certificate) -> dict[str, str | None]:
    """``tls_subject`` and ``tls_sans`` columns from Scrapy's response.certificate."""
    if certificate is None:
        return {"tls_subject": None, "tls_sans": None}
    try:
        der = certificate.dump()  # twisted Certificate: DER by default
        cert = x509.load_der_x509_certificate(der)
    except (ValueError, TypeError):
        return {"tls_subject": None, "tls_sans": None}
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = sans.value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    return {"tls_subject": cert.subject.rfc4514_string(), "tls_sans": json.dumps(names)}

