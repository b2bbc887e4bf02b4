"""Out-links of a page, from the lxml tree Scrapy already parsed.

Shared by the spider and the WARC ingester so a page yields the same links
however it reached the database.  Hostile pages may carry 100,000 links or
megabyte-long anchors, so both counts and lengths are bounded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.response import get_base_url

from mirrorhunt.domains import site_or_none

MAX_ANCHOR_CHARS = 300
MAX_URL_CHARS = 4096


@dataclass(frozen=True)
class Link:
    url: str
    anchor: str


def iter_links(response: Response, limit: int) -> Iterator[Link]:
    """Absolute http(s) links of <a> and <area> elements, fragments dropped, in page order."""
    if not isinstance(response, HtmlResponse) or not response.body:
        return
    try:
        root = response.selector.root
        base = get_base_url(response)
    except (ValueError, TypeError):
        return
    if root is None or not hasattr(root, "iter"):
        return
    seen = 0
    for element in root.iter("a", "area"):
        href = element.get("href")
        if not href or len(href) > MAX_URL_CHARS:
            continue
        link = _absolute(base, href.strip())
        if link is None:
            continue
        yield Link(link, _anchor_text(element))
        seen += 1
        if seen >= limit:
            return


def _absolute(base: str, href: str) -> str | None:
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts._replace(fragment="").geturl()


_ASSET_XPATH = (
    "//link[contains(translate(@rel, 'ICON', 'icon'), 'icon')]/@href"
    " | //script/@src"
    " | //link[translate(@rel, 'STYLESHEET', 'stylesheet') = 'stylesheet']/@href"
)


def asset_urls(response: Response, limit: int) -> list[str]:
    """Icons, scripts and stylesheets a page references (plus /favicon.ico), absolute.

    Their hashes are owner evidence (a favicon's Shodan hash, a site's own
    script), so the spider captures those of each site's home page.
    """
    if not isinstance(response, HtmlResponse) or not response.body:
        return []
    try:
        found = response.xpath(_ASSET_XPATH).getall()
        base = get_base_url(response)
    except (ValueError, TypeError):
        return []
    urls = [url for url in (_absolute(base, href.strip()) for href in found[: limit * 4]) if url]
    urls.append(_absolute(base, "/favicon.ico") or "")
    return list(dict.fromkeys(url for url in urls if url))[:limit]


def _anchor_text(element) -> str:
    try:
        text = element.text_content()
    except ValueError:
        return ""
    return " ".join(text[: MAX_ANCHOR_CHARS * 4].split())[:MAX_ANCHOR_CHARS]


def link_rows(links: list[Link], page_site: str | None) -> list[dict[str, object]]:
    """Rows for the links table: target site and whether it is another site."""
    rows = []
    for link in links:
        site = site_or_none(link.url)
        external = int(site != page_site)
        rows.append({"url": link.url, "anchor": link.anchor, "site": site, "external": external})
    return rows


def header_pairs(headers) -> list[tuple[str, str]]:
    """Scrapy Headers as (name, value) text pairs, one pair per repeated value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def capture_facts(response: Response) -> dict[str, object]:
    """Columns of a capture that come from the response alone."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
    if content_type is None and isinstance(response, TextResponse):
        content_type = "text/html" if isinstance(response, HtmlResponse) else "text/plain"
    return {
        "final_url": response.url,
        "status": response.status,
        "headers": json.dumps(header_pairs(response.headers)),
        "content_type": content_type,
        "body_sha256": hashlib.sha256(response.body).hexdigest(),
        "body_length": len(response.body),
    }
