"""One walk over the parsed page: structure shingles, links, assets, title, visible text.

Why lexbor (selectolax) rather than lxml: the structure signal needs every
element's tag, class and id with its parent's, and with lxml that walk is
Python-level iteration over element proxies (``iter`` + ``getparent`` + two
``get``, 1.2 µs per element, 2.7 ms for a 100 KB page) followed by eight
XPath passes (1 ms) to find links, scripts, the title and meta tags.  Lexbor
parses a 100 KB page faster (HTML5 tree construction, like a browser) and
its Cython ``traverse`` hands out nodes more cheaply, and the elements the
XPath queries looked for are picked up during that same walk, which leaves
one pass over the tree instead of nine.

Bounds: the structure walk stops after ``MAX_NODES`` elements; a cheaper
tag-only walk goes on collecting links and assets (what the XPath queries
used to find on the whole page), with at most ``MAX_LINKS`` links.

Lexbor's parse is quadratic in two hostile shapes that libxml2 bounds: open
elements nested thousands deep (``<div>`` × 50,000: 3.2 s) and one tag with
thousands of distinct attributes (20,000: 0.6 s; a 2 MB tag would take
minutes; libxml2 too is quadratic there).  :func:`_defused` removes both in
linear time before lexbor sees the page; a page so repaired may get
slightly different structure shingles than a clean parse would give, but
no ordinary page takes that path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import mmh3
import numpy as np
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from .decode import parse_html
from .links import MAX_LINKS
from .shingles import _fmix64

MAX_NODES = 6000
MAX_ASSETS = 30
_EMPTY = np.zeros(0, dtype=np.uint32)
_LABEL_CACHE_MAX = 50_000
_label_cache: dict[tuple[str, str | None, str | None] | str, int] = {}
_INVISIBLE = ["script", "style", "noscript", "template", "svg", "head"]
_HIDDEN = frozenset(_INVISIBLE)
_WANTED = frozenset(["a", "area", "script", "link", "meta", "title", "img"])
_SPECIAL = _WANTED | _HIDDEN
_MAX_HIDDEN = 256
"""Invisible elements removed one by one; past this, lexbor's ``strip_tags`` (C) removes them."""
_DIGITS = str.maketrans("0123456789", "0000000000")
_MAX_TAG_WORK = 200_000_000
"""Start tags × all tags above which libxml2 repairs the page first (see _defused)."""
# One attribute as the HTML tokenizer reads it: a name (quotes and "<" are name
# characters; a leading "=" too), then optionally "=" and a value, which is
# quoted only when its first character is a quote, then separators.  A stray
# quote (``class="x>`` … ``"``) therefore pairs up exactly as in a browser.
# HTML white space only: U+00A0 and other Unicode spaces are name characters.
_NAME = r"(?:=[^\t\n\f\r />=]*+|[^\t\n\f\r />=]++)"
_VALUE = r"""(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|[^\t\n\f\r >]*+))?+"""
_UNIT = f"(?:{_NAME}{_VALUE}[\\t\\n\\f\\r /]*+)"
_OPEN = r"<[A-Za-z][^\t\n\f\r />]*+[\t\n\f\r /]*+"
# A start tag with 512+ attributes; it is cut to its first 256.
_LONG_TAG = re.compile(f"{_OPEN}{_UNIT}{{512}}{_UNIT}*+")
_TAG_HEAD = re.compile(f"{_OPEN}{_UNIT}{{0,256}}")
_RAW_TEXT = frozenset(
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]
)
_END_TAG = re.compile(r"</([A-Za-z][^\s/<>]{0,30})")


def _cut_tag(match: re.Match[str]) -> str:
    """The tag's first 256 attributes, closed, then every end tag the cut part held.

    A false alarm inside a script (``i<n`` then 512 words and no ``>``) must
    not swallow ``</script``, or the rest of the page would become script
    text: the end tags of raw-text elements in the removed part are kept
    (each name once, so a hostile tag full of ``</x`` adds nothing).
    """
    text = match.group(0)
    head = _TAG_HEAD.match(text)
    kept = head.group(0) if head else "<"
    names = (name.lower() for name in _END_TAG.findall(text, len(kept)))
    ends = "".join(f"</{name}>" for name in dict.fromkeys(names) if name in _RAW_TEXT)
    return f"{kept}>{ends}"


def _defused(html: str) -> str:
    """The page with the shapes that make lexbor (and libxml2) quadratic removed.

    A start tag of 512+ attributes (read as the tokenizer reads them, so a
    quoted value is part of one attribute whatever it holds) is cut to its
    first 256; the cut never falls inside a quoted value.

    Tree construction costs up to (depth of open elements) per tag, and
    depth is at most the number of start tags, so when start tags × all
    tags exceeds ``_MAX_TAG_WORK`` (about 0.3 s of the worst case; a 100 KB
    page is at 1e7, the corpus maximum 1.2e7) libxml2 repairs the page
    first: it caps nesting at 256 and drops unmatched end tags.  A start-tag
    difference alone would not do: ``<b>`` × 4,000 then ``</x>`` × 400,000
    balances the counts and takes seconds.  Both checks are linear.
    """
    if _LONG_TAG.search(html):
        html = _LONG_TAG.sub(_cut_tag, html)
    tags = html.count("<")
    # start tags <= all tags, so the second count is needed only past the square root
    if tags * tags > _MAX_TAG_WORK and (tags - html.count("</")) * tags > _MAX_TAG_WORK:
        root = parse_html(html)
        html = etree.tostring(root, method="html", encoding="unicode") if root is not None else ""
    return html


@dataclass(slots=True)
class DomScan:
    """What features need from the tree; lists are in document order."""

    structure: np.ndarray
    n_elements: int
    title: str = ""
    site_name: str = ""
    logo_alt: str = ""
    canonical: str = ""
    hrefs: list[str] | None = None
    scripts: list[str] | None = None  # <script src>, then stylesheets, ≤ MAX_ASSETS each
    icons: list[str] | None = None
    text: str = ""


def _label_hash(tag: str, cls: str | None, ident: str | None) -> int:
    """mmh3 of ``tag.class.tokens#id`` (sorted classes, digits collapsed), cached.

    Every key in the cache maps to the label of its normalised form, so three
    spellings can share it: the raw ``(tag, class, id)``, the raw class with
    the normalised id, and the normalised pair.  Ids with digits
    (``post-123``) are unique per element, so they are cached normalised
    only; classes are cached raw (``tag t1``, ``card c6-1``: a template has a
    few dozen, and each would otherwise pay two ``translate`` calls per
    element, 0.2 ms per page).  A page of unique classes only fills the cache
    faster; it is cleared at ``_LABEL_CACHE_MAX``.
    """
    value = _label_cache.get((tag, cls, ident))
    if value is not None:
        return value
    norm_id = ident.translate(_DIGITS)[:40] if ident else ident
    mid = (tag, cls, norm_id)
    value = _label_cache.get(mid)
    if value is not None:
        return value
    norm_cls = cls.translate(_DIGITS) if cls else cls
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
    _label_cache[mid] = value
    return value


class _Collector:
    """The elements the old XPath queries selected, gathered during the walk."""

    __slots__ = ("canonical", "hrefs", "icons", "logo_alt", "scripts", "site_name", "styles")

    def __init__(self) -> None:
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.icons: list[str] = []
        self.site_name: str | None = None
        self.logo_alt: str | None = None
        self.canonical: str | None = None

    def add(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "a" or tag == "area":
            href = attrs.get("href", False)
            if href is not False and len(self.hrefs) < MAX_LINKS:
                self.hrefs.append(href or "")
        elif tag == "script":
            src = attrs.get("src", False)
            if src is not False and len(self.scripts) < MAX_ASSETS:
                self.scripts.append(src or "")
        elif tag == "link":
            href = attrs.get("href", False)
            if href is False:
                return
            rel = (attrs.get("rel") or "").lower()
            if "stylesheet" in rel and len(self.styles) < MAX_ASSETS:
                self.styles.append(href or "")
            if "icon" in rel and len(self.icons) < 3:
                self.icons.append(href or "")
            if rel == "canonical" and self.canonical is None:
                self.canonical = href or ""
        elif tag == "meta":
            if self.site_name is None and attrs.get("property") == "og:site_name":
                content = attrs.get("content", False)
                if content is not False:
                    self.site_name = content or ""
        elif tag == "img" and self.logo_alt is None:
            alt = attrs.get("alt", False)
            if alt is not False and (
                "logo" in (attrs.get("class") or "")
                or "logo" in (attrs.get("id") or "")
                or "logo" in (attrs.get("src") or "")
            ):
                self.logo_alt = alt or ""


def _first(value: str | None) -> str:
    return value.strip()[:300] if value else ""


def _paths_to_hashes(paths: set[tuple[int, int, int]]) -> np.ndarray:
    if not paths:
        return _EMPTY
    arr = np.array(sorted(paths), dtype=np.uint64)
    with np.errstate(over="ignore"):
        acc = arr[:, 0] * np.uint64(0x9E3779B97F4A7C15)
        acc = acc + arr[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F) + arr[:, 2]
        mixed = _fmix64(acc)
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32))


def scan_html(html: str, max_nodes: int = MAX_NODES) -> DomScan | None:
    """Parse once and walk once; None for an empty document.  Never raises.

    Structure shingles are hashes of root-ward tag paths of length 3 (with
    class/id tokens).  Text, attribute values other than class/id, and
    script/style contents never enter: two sites with the same template and
    different content get the same structure, which is exactly why structure
    alone is not proof.
    """
    if not html or html.isspace():
        return None
    try:
        tree = LexborHTMLParser(_defused(html))
        root = tree.root
        return _walk(tree, root, max_nodes) if root is not None else None
    except Exception:  # noqa: BLE001 - a hostile page must not take the analysis down
        return None


def _walk(tree: LexborHTMLParser, root, max_nodes: int) -> DomScan:
    parents: dict[int, tuple[int, int]] = {}
    paths: set[tuple[int, int, int]] = set()  # pages repeat a few dozen paths
    add_path = paths.add
    cache_get = _label_cache.get
    parents_get = parents.get
    found = _Collector()
    collect = found.add
    hrefs = found.hrefs
    hidden: list = []  # invisible elements, removed before the text is read
    title: str | None = None
    nodes = root.traverse(include_text=False)
    # Hot loop (~2,000 elements a page): every attribute lookup and branch counts.
    # The root's parent is the document node, never None.
    for node in islice(nodes, max_nodes):
        attrs = node.attributes
        tag = node.tag
        if attrs:
            cls = attrs.get("class")
            ident = attrs.get("id")
            h = cache_get((tag, cls, ident))
            if h is None:
                h = _label_hash(tag, cls, ident)
            if tag in _SPECIAL:
                if tag == "a":  # the common case, inlined
                    href = attrs.get("href", False)
                    if href is not False and len(hrefs) < MAX_LINKS:
                        hrefs.append(href or "")
                elif tag == "title":
                    if title is None:
                        title = node.text() or None
                else:
                    if tag in _HIDDEN and len(hidden) <= _MAX_HIDDEN:
                        hidden.append(node)
                    if tag in _WANTED:
                        collect(tag, attrs)
        else:  # no attributes: the label is the tag's, cached under the (interned) tag alone
            h = cache_get(tag)
            if h is None:
                h = _label_cache[tag] = _label_hash(tag, None, None)
            if tag in _SPECIAL:
                if tag == "title":
                    if title is None:
                        title = node.text() or None
                elif tag in _HIDDEN and len(hidden) <= _MAX_HIDDEN:
                    hidden.append(node)
        entry = parents_get(node.parent.mem_id)
        if entry is None:
            parents[node.mem_id] = (h, 0)
            add_path((0, 0, h))
        else:
            ph = entry[0]
            parents[node.mem_id] = (h, ph)
            add_path((entry[1], ph, h))
    n = len(parents)
    for node in nodes:  # past the cap: links, assets and title only, from the whole page
        tag = node.tag
        if tag in _SPECIAL:
            if tag in _HIDDEN and len(hidden) <= _MAX_HIDDEN:
                hidden.append(node)
            if tag in _WANTED:
                if tag != "title":
                    collect(tag, node.attributes)
                elif title is None:
                    title = node.text() or None
    # Visible text: what strip_tags(_INVISIBLE) + text() gave, without its six
    # searches of the whole tree (0.3 ms a page): the walk has already met every
    # invisible element, and detaching each (decompose non-recursive is the same
    # lxb_dom_node_remove strip_tags uses) leaves the same tree.
    if len(hidden) <= _MAX_HIDDEN:
        for node in hidden:
            node.decompose(recursive=False)
    else:
        tree.strip_tags(_INVISIBLE)
    text = root.text(deep=True)
    return DomScan(
        structure=_paths_to_hashes(paths),
        n_elements=n,
        title=_first(title),
        site_name=_first(found.site_name),
        logo_alt=_first(found.logo_alt),
        canonical=_first(found.canonical),
        hrefs=found.hrefs,
        scripts=found.scripts + found.styles,
        icons=found.icons,
        text=text,
    )
