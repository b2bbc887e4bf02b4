"""Rules on URLs alone: which addresses are off limits, which URLs look like traps.

Links on hostile pages may point at cloud metadata endpoints, the LAN, or at
machine-generated URL spaces (calendars, session ids, faceted search) that
never end.  These checks run before a URL is queued and again before any
request (redirect targets included) leaves the crawler.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

from w3lib.url import canonicalize_url

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan")
_DIGITS = re.compile(r"\d+")


def parse_networks(values: Iterable[str]) -> list[Network]:
    """CIDRs (or single addresses) from settings; a bad value is a clear error."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP network: {value!r}") from None
    return networks


def is_forbidden_ip(address: str, allowed: Iterable[Network] = ()) -> bool:
    """True for private, loopback, link-local, multicast and reserved addresses."""
    ip = ipaddress.ip_address(address.strip("[]"))
    if any(ip in network for network in allowed):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved


def host_problem(host: str, allowed: Iterable[Network] = ()) -> str | None:
    """Why a URL host must not be fetched, or None when it may be."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
            return f"{host} names a local machine"
        if "." not in host:
            return f"{host} is not a fully qualified domain name"
        return None
    if is_forbidden_ip(host, allowed):
        return f"{host} is a private, loopback, link-local or reserved address"
    return None


def trap_problem(url: str, max_length: int, max_repeats: int, max_params: int) -> str | None:
    """Why a URL looks machine-generated (a crawler trap), or None."""
    if len(url) > max_length:
        return f"URL longer than {max_length} characters"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        most = max(segments.count(s) for s in set(segments))
        if most > max_repeats:
            return f"a path segment repeats {most} times"
    params = parse_qsl(parts.query, keep_blank_values=True)
    if len(params) > max_params:
        return f"{len(params)} query parameters"
    return None


def canonical_url(url: str) -> str:
    """The frontier key: fragment dropped, query sorted, percent-encoding normalised."""
    return canonicalize_url(url, keep_fragments=False)


def frontier_key(url: str) -> str:
    """One key for a page whatever its scheme: sites often answer on both."""
    return canonical_url(url).split(":", 1)[1]


def url_pattern(url: str) -> str:
    """Path shape with numbers erased and the query reduced to a marker: /cal/N/N, /list?.

    Calendars, pagers and faceted filters each collapse into one pattern, so a
    per-pattern cap bounds them however their parameters combine.
    """
    parts = urlsplit(url)
    return _DIGITS.sub("N", parts.path) + ("?" if parts.query else "")
