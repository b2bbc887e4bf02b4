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
used to find on the whole page), with at most ``MAX_LINKS`` links.  The page
is defused first (:mod:`similarity.defuse`).

The walk exists twice: :func:`walk_compiled` in C (``_speedups.c``, built
where a compiler exists) and :func:`walk_python` through selectolax's API.
They return the same thing (checked on a probe page at import, and page by
page in the tests); the C one costs 0.3 ms a 100 KB page instead of 2 ms.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import mmh3
import numpy as np
from selectolax.lexbor import LexborHTMLParser

from .compiled import speedups as _speedups
from .defuse import defused
from .links import MAX_LINKS
from .shingles import _fmix64, distinct

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


def _structure_hashes(labels: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Distinct hashes of the (grandparent, parent, element) label triples.

    ``parents[i]`` is the index of element i's parent, -1 at the top; a
    missing ancestor's label counts as 0.
    """
    if labels.size == 0:
        return _EMPTY
    label = np.append(labels, 0).astype(np.uint64)  # index -1: no ancestor
    parent = parents.astype(np.intp)
    grand = np.append(parent, -1)[parent]
    with np.errstate(over="ignore"):
        acc = label[grand] * np.uint64(0x9E3779B97F4A7C15)
        acc = acc + label[parent] * np.uint64(0xC2B2AE3D27D4EB4F) + label[:-1]
        mixed = _fmix64(acc)
    return distinct((mixed >> np.uint64(32)).astype(np.uint32))


def _utf8(html: str) -> bytes:
    return html.encode("utf-8", "replace")


@dataclass(slots=True)
class _Walked:
    """What a walk of the tree found; both walks below return exactly this."""

    labels: np.ndarray  # uint32, one per node in document order, at most max_nodes
    parents: np.ndarray  # int32 index into labels, -1 at the top
    found: _Collector
    title: str | None
    text: str


def scan_html(html: str, max_nodes: int = MAX_NODES, raw: bytes | None = None) -> DomScan | None:
    """Parse once and walk once; None for an empty document.  Never raises.

    Structure shingles are hashes of root-ward tag paths of length 3 (with
    class/id tokens).  Text, attribute values other than class/id, and
    script/style contents never enter: two sites with the same template and
    different content get the same structure, which is exactly why structure
    alone is not proof.  ``raw`` is ``html`` as UTF-8 when the caller has it.
    """
    if not html or html.isspace():
        return None
    try:
        tree = LexborHTMLParser(defused(raw if raw is not None else _utf8(html)))
        root = tree.root
        if root is None:
            return None
        walked = _walk(tree, root, max_nodes)
    except Exception:  # noqa: BLE001 - a hostile page must not take the analysis down
        return None
    found = walked.found
    return DomScan(
        structure=_structure_hashes(walked.labels, walked.parents),
        n_elements=int(walked.labels.size),
        title=_first(walked.title),
        site_name=_first(found.site_name),
        logo_alt=_first(found.logo_alt),
        canonical=_first(found.canonical),
        hrefs=found.hrefs,
        scripts=found.scripts + found.styles,
        icons=found.icons,
        text=walked.text,
    )


def walk_python(tree: LexborHTMLParser, root, max_nodes: int = MAX_NODES) -> _Walked:
    """The walk through selectolax's Python API: the reference, and the fallback.

    Used where the compiled walk (``similarity._speedups``) was not built; both
    give the same result, which the test suite checks page by page.
    """
    labels: list[int] = []
    parents: list[int] = []
    index: dict[int, int] = {}  # mem_id -> position in labels
    index_get = index.get
    cache_get = _label_cache.get
    found = _Collector()
    collect = found.add
    hrefs = found.hrefs
    hidden: list = []  # invisible elements, removed before the text is read
    title: str | None = None
    title_seen = False  # the first title element gives the title, even an empty one
    nodes = root.traverse(include_text=False)
    # Hot loop (~2,000 elements a page): every attribute lookup and branch counts.
    for node in nodes if max_nodes > 0 else ():
        tag = node.tag
        if tag is None:  # CDATA, a processing instruction: not an element, no label
            continue
        attrs = node.attributes
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
                    if not title_seen:
                        title_seen, title = True, node.text() or None
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
                    if not title_seen:
                        title_seen, title = True, node.text() or None
                elif tag in _HIDDEN and len(hidden) <= _MAX_HIDDEN:
                    hidden.append(node)
        index[node.mem_id] = len(labels)
        labels.append(h)
        parents.append(index_get(node.parent.mem_id, -1))
        if len(labels) >= max_nodes:
            break
    for node in nodes:  # past the cap: links, assets and title only, from the whole page
        tag = node.tag
        if tag in _SPECIAL:
            if tag in _HIDDEN and len(hidden) <= _MAX_HIDDEN:
                hidden.append(node)
            if tag in _WANTED:
                if tag != "title":
                    collect(tag, node.attributes)
                elif not title_seen:
                    title_seen, title = True, node.text() or None
    # Visible text: what strip_tags(_INVISIBLE) + text() gave, without its six
    # searches of the whole tree (0.3 ms a page): the walk has already met every
    # invisible element, and detaching each (decompose non-recursive is the same
    # lxb_dom_node_remove strip_tags uses) leaves the same tree.
    if len(hidden) <= _MAX_HIDDEN:
        for node in hidden:
            node.decompose(recursive=False)
    else:
        tree.strip_tags(_INVISIBLE)
    return _Walked(
        labels=np.array(labels, dtype=np.uint32),
        parents=np.array(parents, dtype=np.int32),
        found=found,
        title=title,
        text=root.text(deep=True),
    )


_HIDDEN_NAMES = tuple(name.encode() for name in _INVISIBLE)
_WANTED_NAMES = tuple(name.encode() for name in sorted(_WANTED))


def walk_compiled(tree: LexborHTMLParser, root, max_nodes: int = MAX_NODES) -> _Walked:
    """The same walk in C (``similarity/_speedups.c``); the tree is left unchanged.

    Labels still come from :func:`_label_hash`, once per distinct raw
    tag/class/id, so the normalisation lives in one place.
    """
    labels, parents, hrefs, specials, title, text = _speedups.walk(
        root.mem_id,
        root.parent.mem_id,  # the document: lexbor's text buffers are given back to it
        max_nodes,
        MAX_LINKS,
        _label_hash,
        _HIDDEN_NAMES,
        _WANTED_NAMES,
    )
    found = _Collector()
    found.hrefs = hrefs
    for tag, attrs in specials:
        found.add(tag, attrs)
    return _Walked(
        labels=np.frombuffer(labels, dtype=np.uint32),
        parents=np.frombuffer(parents, dtype=np.int32),
        found=found,
        title=title,
        text=text,
    )


_PROBE = (
    "<!DOCTYPE html><html><head><title>T<b>x</b></title><meta property=og:site_name "
    "content='S'><link rel='stylesheet icon' href=/s.css><script src=/a.js>var x='<p>'"
    "</script><style>p{}</style></head><body class='b 12' id=x-3><!-- c --><p>Ünïcode "
    "<a href=/l?a=1>l</a><a href>e</a><a name=n>n</a><map><area href=/r></map>"
    "<img class=logo alt='A'><svg><title>no</title><![CDATA[x<y]]></svg><noscript>n"
    "</noscript><template><i>t</i></template><div data-x id=d><span>s</span></div></body>"
    "</html>"
)


def _compiled_walk() -> Callable[..., _Walked] | None:
    """The C walk when it was built, selectolax exports what it reads, and it agrees.

    A selectolax release whose lexbor changed the functions' meaning would
    show here as a disagreement on a small probe page: the Python walk is
    then used, with a warning, rather than features that differ by machine.
    """
    if _speedups is None:
        return None
    import selectolax.lexbor

    try:
        _speedups.bind(selectolax.lexbor.__file__, int.from_bytes(os.urandom(8), "little"))
        tree = LexborHTMLParser(_PROBE)
        fast = walk_compiled(tree, tree.root)
        tree = LexborHTMLParser(_PROBE)
        slow = walk_python(tree, tree.root)
    except Exception as exc:  # noqa: BLE001 - any failure here means: use the Python walk
        warnings.warn(f"compiled DOM walk unavailable ({exc}); using the Python walk", stacklevel=2)
        return None
    if _walk_key(fast) != _walk_key(slow):
        warnings.warn(
            "compiled DOM walk disagrees with selectolax on a probe page; using the Python walk",
            stacklevel=2,
        )
        return None
    return walk_compiled


def _walk_key(walked: _Walked) -> tuple:
    """Everything a walk returns, comparable (used to check one walk against the other)."""
    found = walked.found
    return (
        walked.labels.tolist(),
        walked.parents.tolist(),
        walked.title,
        walked.text,
        tuple(getattr(found, name) for name in _Collector.__slots__),
    )


_walk = _compiled_walk() or walk_python
