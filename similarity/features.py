"""Page features: everything the similarity stage needs from one stored capture.

Computed from the stored body alone so analysis can be rerun without
recrawling.  The page is parsed once; every pass is capped (nodes, links,
text) so a hostile 50 MB page costs no more than a large ordinary one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import mmh3
import numpy as np
from lxml import etree

from mirrorhunt.domains import DomainError, host_of, site_of_url

from . import pagekind
from .brand import brand_candidates
from .decode import decode_body, parse_html
from .identifiers import favicon_hash, find_identifiers, sha256_hex
from .links import split_links
from .shingles import _fmix64, set_hashes, text_shingles

MAX_NODES = 6000
MAX_ASSETS = 30
_EMPTY = np.zeros(0, dtype=np.uint32)
_LABEL_CACHE_MAX = 50_000
_label_cache: dict[tuple[str, str | None, str | None], int] = {}

_X_HREF = etree.XPath("//a/@href | //area/@href", smart_strings=False)
_X_SCRIPT = etree.XPath("//script/@src", smart_strings=False)
_X_STYLE = etree.XPath(
    "//link[contains(translate(@rel,'STYLESHET','stylesheet'),'stylesheet')]/@href",
    smart_strings=False,
)
_X_ICON = etree.XPath(
    "//link[contains(translate(@rel,'ICON','icon'),'icon')]/@href", smart_strings=False
)
_X_CANONICAL = etree.XPath(
    "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href", smart_strings=False
)
_X_SITENAME = etree.XPath("//meta[@property='og:site_name']/@content", smart_strings=False)
_X_TITLE = etree.XPath("//title/text()", smart_strings=False)
_X_LOGO = etree.XPath(
    "//img[contains(@class,'logo') or contains(@id,'logo') or contains(@src,'logo')]/@alt",
    smart_strings=False,
)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_DIGITS = str.maketrans("0123456789", "0000000000")


@dataclass(frozen=True, slots=True)
class PageFeatures:
    """Features of one capture.  Hash arrays are distinct, sorted uint32."""

    url: str
    final_url: str
    site: str | None
    kind: str
    structure: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)
    links: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)
    text: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)
    outbound: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    title: str = ""
    asset_urls: tuple[str, ...] = ()
    n_elements: int = 0

    @property
    def is_evidence(self) -> bool:
        """False for parked, default, challenge, error and empty pages."""
        return self.kind not in pagekind.NO_EVIDENCE


def _label_hash(tag: str, cls: str | None, ident: str | None) -> int:
    """mmh3 of ``tag.class.tokens#id`` (sorted classes, digits collapsed), cached.

    Raw keys whose class or id carries digits (``post-123``) are unique per
    element, so they are cached under their normalised form only: the cache
    then holds one entry per template label instead of one per element.
    """
    raw = (tag, cls, ident)
    value = _label_cache.get(raw)
    if value is not None:
        return value
    norm_cls = cls.translate(_DIGITS) if cls else cls
    norm_id = ident.translate(_DIGITS)[:40] if ident else ident
    key = (tag, norm_cls, norm_id)
    value = _label_cache.get(key)
    if value is None:
        label = tag.lower()
        if norm_cls:
            label += "." + ".".join(sorted(norm_cls.lower().split())[:4])
        if norm_id:
            label += "#" + norm_id.lower()
        value = mmh3.hash(label, 0x5E, False)
        if len(_label_cache) > _LABEL_CACHE_MAX:
            _label_cache.clear()
        _label_cache[key] = value
    return value


def structure_shingles(root: etree._Element, max_nodes: int = MAX_NODES) -> tuple[np.ndarray, int]:
    """Hashes of root-ward tag paths of length 3 (with class/id tokens); node count.

    Text, attribute values other than class/id, and script/style contents
    never enter: two sites with the same template and different content get
    the same structure, which is exactly why structure alone is not proof.
    """
    parents: dict[etree._Element, tuple[int, int]] = {}
    paths: set[tuple[int, int, int]] = set()  # pages repeat a few dozen paths
    add = paths.add
    cache_get = _label_cache.get
    n = 0
    for el in root.iter(etree.Element):
        n += 1
        if n > max_nodes:
            break
        parent = el.getparent()
        ph, gh = parents[parent] if parent is not None else (0, 0)
        get = el.get
        key = (el.tag, get("class"), get("id"))
        h = cache_get(key)
        if h is None:
            h = _label_hash(*key)
        parents[el] = (h, ph)
        add((gh, ph, h))
    if not paths:
        return _EMPTY, n
    arr = np.array(sorted(paths), dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = arr[:, 0] * np.uint64(0x9E3779B97F4A7C15)
        acc = acc + arr[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F) + arr[:, 2]
        mixed = _fmix64(acc)
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32)), n


def _first(values: list[str]) -> str:
    return values[0].strip()[:300] if values else ""


def _asset_name(url: str) -> str | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return name[:80] if name else None


def _safe_site(url: str) -> str | None:
    try:
        return site_of_url(url)
    except DomainError:
        return None


def _safe_host(url: str) -> str:
    try:
        return host_of(url)
    except DomainError:
        return ""


def _is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        ct = content_type.split(";", 1)[0].strip().lower()
        if ct in ("text/html", "application/xhtml+xml", "text/plain", ""):
            return True
        if ct.startswith(("image/", "font/", "audio/", "video/")) or ct in (
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "application/octet-stream",
            "application/x-javascript",
        ):
            return False
    return b"<" in body[:1024]


def asset_features(url: str, final_url: str, content_type: str | None, body: bytes) -> PageFeatures:
    """Identifiers of a non-HTML capture: favicon hash, or SHA-256 of a script/stylesheet."""
    ct = (content_type or "").lower()
    path = urlsplit(final_url or url).path.lower()
    ids: set[str] = set()
    if body and ("icon" in ct or path.endswith(".ico") or "favicon" in path):
        ids.add(f"favicon:{favicon_hash(body)}")
    elif body and ("javascript" in ct or "css" in ct or path.endswith((".js", ".css"))):
        ids.add(f"sha256:{sha256_hex(body)}")
    return PageFeatures(
        url,
        final_url or url,
        _safe_site(final_url or url),
        pagekind.ASSET,
        identifiers=frozenset(ids),
    )


def _references(url: str, final_url: str, site: str | None, canonical: str) -> set[str]:
    refs = set()
    origin = _safe_site(url)
    if origin and site and origin != site:
        refs.add(f"redirect:{origin}")
    if canonical:
        target = _safe_site(urljoin(final_url, canonical))
        if target and site and target != site:
            refs.add(f"canonical:{target}")
    return refs


def extract_features(
    url: str,
    final_url: str | None,
    content_type: str | None,
    body: bytes,
    status: int | None = None,
) -> PageFeatures:
    """Features of one capture; never raises on hostile input.

    ``body`` is the payload as stored (already de-chunked / decompressed).
    ``status`` is optional: when known, 4xx/5xx pages are labelled errors.
    """
    final_url = final_url or url
    if not _is_html(content_type, body or b""):
        return asset_features(url, final_url, content_type, body or b"")
    site = _safe_site(final_url)
    host = _safe_host(final_url)
    html = decode_body(body or b"", content_type)
    root = parse_html(html)
    if root is None:
        return PageFeatures(url, final_url, site, pagekind.EMPTY)
    structure, n_elements = structure_shingles(root)
    title = _first(_X_TITLE(root))
    site_name = _first(_X_SITENAME(root))
    logo_alt = _first(_X_LOGO(root))
    canonical = _first(_X_CANONICAL(root))
    hrefs = _X_HREF(root)
    scripts = _X_SCRIPT(root)[:MAX_ASSETS] + _X_STYLE(root)[:MAX_ASSETS]
    icons = _X_ICON(root)[:3]
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    text = etree.tostring(root, method="text", encoding="unicode")
    lower = html[:600_000].lower()
    kind = pagekind.classify(title, text, lower, n_elements, status)
    internal, outbound = split_links(hrefs, final_url, host, site)
    ids = find_identifiers(html, lower)
    ids |= {f"asset:{name}" for name in map(_asset_name, scripts) if name}
    ids |= _references(url, final_url, site, canonical)
    if title:
        ids.add("title:" + " ".join(title.casefold().split())[:120])
    if site_name:
        ids.add("sitename:" + " ".join(site_name.casefold().split())[:120])
    brands = brand_candidates(title, site_name, logo_alt, text, host)
    assets = tuple(urljoin(final_url, u) for u in scripts + icons)
    return PageFeatures(
        url=url,
        final_url=final_url,
        site=site,
        kind=kind,
        structure=structure,
        links=set_hashes(internal),
        text=text_shingles(text),
        outbound=frozenset(outbound),
        identifiers=frozenset(ids),
        brands=frozenset(brands),
        title=title,
        asset_urls=assets,
        n_elements=n_elements,
    )
