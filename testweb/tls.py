"""Self-signed certificates made on the fly, one per host, for CONNECT tunnels.

Certificates are generated with ``cryptography`` rather than shipped so that
any host name a case invents gets a certificate whose CN/SANs match it; a
crawler that verifies would still reject them (self-signed), which is the
point: tests check that mirrorhunt does not require valid certificates.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import ssl
import tempfile
import threading
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_lock = threading.Lock()
_contexts: dict[str, ssl.SSLContext] = {}
_certs: dict[str, tuple[bytes, bytes]] = {}


@cache
def _key() -> ec.EllipticCurvePrivateKey:
    """One EC key shared by all certificates: fast, and nothing relies on it differing."""
    return ec.generate_private_key(ec.SECP256R1())


@cache
def _tmpdir() -> Path:
    """Directory for PEM files, since ssl.SSLContext only loads certs from files."""
    path = Path(tempfile.mkdtemp(prefix="testweb-tls-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _build_certificate(host: str) -> tuple[bytes, bytes]:
    """A self-signed cert for ``host`` with SANs ``host`` and ``*.host``."""
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host), x509.DNSName(f"*.{host}")]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def certificate_pem(host: str) -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) for ``host``, generated once and cached."""
    with _lock:
        if host not in _certs:
            _certs[host] = _build_certificate(host)
        return _certs[host]


def server_context(host: str) -> ssl.SSLContext:
    """A server-side SSLContext presenting ``host``'s certificate (cached)."""
    cert_pem, key_pem = certificate_pem(host)
    with _lock:
        ctx = _contexts.get(host)
        if ctx is None:
            safe = host.replace("*", "_").replace("/", "_")
            cert_file = _tmpdir() / f"{safe}.crt"
            key_file = _tmpdir() / f"{safe}.key"
            cert_file.write_bytes(cert_pem)
            key_file.write_bytes(key_pem)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert_file, key_file)
            _contexts[host] = ctx
        return ctx
