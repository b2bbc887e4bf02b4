"""The service's name as a site presents it, minus the site's own host name.

Mirrors rename their host (``piratebay3.org``) but keep the brand ("The Pirate
Bay").  Candidates come from og:site_name, the first and last title segments,
a logo's alt text and the copyright line; host names and generic words are
removed so "Welcome to piratebay3.org" does not become a brand.
"""

from __future__ import annotations

import re

MAX_BRAND_CHARS = 60
_SPLIT = re.compile(r"\s+[|\u2013\u2014\u00b7:\u2022\u00bb\u203a/-]+\s+|\s*[|\u2014\u00bb]\s*")
_HOSTLIKE = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b", re.IGNORECASE)
_NONWORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-\u2013]\s*\d{4})?)?\s*[,.]?\s*"
    r"([^\n.|,;/\u00a9\u00b7\u2022\u2013\u2014]{2,60})",  # a footer menu is not a brand
    re.IGNORECASE,
)
_GENERIC = frozenset(
    [
        "home",
        "homepage",
        "welcome",
        "to",
        "the",
        "official",
        "site",
        "website",
        "web",
        "page",
        "main",
        "index",
        "mirror",
        "proxy",
        "unblocked",
        "unblock",
        "new",
        "free",
        "online",
        "download",
        "downloads",
        "watch",
        "stream",
        "streaming",
        "torrent",
        "torrents",
        "all",
        "rights",
        "reserved",
        "inc",
        "ltd",
        "llc",
        "www",
        "com",
        "net",
        "org",
        "de",
        "fr",
        "ru",
        "of",
        "and",
        "a",
        "en",
        "la",
        "le",
        "les",
    ]
)


def normalise_brand(value: str, own_labels: frozenset[str] = frozenset()) -> str | None:
    """Lowercased brand words with host names, own labels and filler removed."""
    value = _HOSTLIKE.sub(" ", value.casefold())
    value = _NONWORD.sub(" ", value)
    words = [w for w in value.split() if w not in _GENERIC and w not in own_labels]
    if not words or not any(len(w) > 1 for w in words):
        return None
    brand = _SPACES.sub(" ", " ".join(words))[:MAX_BRAND_CHARS].strip()
    return brand or None


def own_labels(host: str) -> frozenset[str]:
    """Labels of the site's own host name (``piratebay3``, ``www``), to strip from brands."""
    labels = {label.casefold() for label in host.split(".") if label}
    stripped = {_NONWORD.sub("", lbl) for lbl in labels}
    return frozenset(labels | stripped)


def brand_candidates(title: str, site_name: str, logo_alt: str, text: str, host: str) -> set[str]:
    """Normalised brand strings a page offers."""
    labels = own_labels(host)
    raw = [site_name, logo_alt]
    segments = [s for s in _SPLIT.split(title.strip()) if s.strip()]
    if segments:
        raw.append(segments[0])
        raw.append(segments[-1])
    tail = text[-3000:]
    match = _COPYRIGHT.search(tail)
    if match:
        raw.append(match.group(1))
    found = set()
    for value in raw:
        if value:
            brand = normalise_brand(value, labels)
            if brand:
                found.add(brand)
    return found
