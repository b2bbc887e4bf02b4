"""Virtual sites and the responses they return.

A :class:`Site` is a host name plus a function from :class:`Request` to
:class:`Response`.  Responses are plain data so that the server alone decides
how bytes reach the socket (framing, delays, resets); sites never touch
sockets, which keeps hostile behaviour declarative and testable.
"""

from __future__ import annotations

import email.message
import gzip
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

DEFAULT_ROBOTS = "User-agent: *\nAllow: /\n"


@dataclass
class Request:
    """One HTTP request as a site sees it (already routed by host)."""

    method: str
    scheme: str
    host: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=email.message.Message)

    @property
    def target(self) -> str:
        """Path plus query string, as in the request line's origin form."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def url(self) -> str:
        """The absolute URL that was requested."""
        return f"{self.scheme}://{self.host}{self.target}"

    @property
    def params(self) -> list[tuple[str, str]]:
        """Decoded query parameters, in order, blanks kept."""
        return parse_qsl(self.query, keep_blank_values=True)


@dataclass
class Response:
    """What a site wants sent back.

    ``body`` is either bytes (sent with Content-Length) or an iterable of
    chunks, which is streamed so the server never holds big bodies in memory.
    A streamed body is framed with ``content_length`` when given, else with
    chunked encoding (or close-delimited when ``close`` is set).
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""
    content_length: int | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    reset: bool = False
    reset_after_body: bool = False
    close: bool = False

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)


def html(
    text: str | bytes,
    status: int = 200,
    *,
    charset: str | None = "utf-8",
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    """An HTML response; ``charset=None`` omits the charset parameter."""
    body = text if isinstance(text, bytes) else text.encode(charset or "utf-8")
    ctype = f"text/html; charset={charset}" if charset else "text/html"
    return Response(status, [("Content-Type", ctype), *headers], body)


def plain(text: str, status: int = 200, content_type: str = "text/plain") -> Response:
    """A UTF-8 text response (robots.txt, CSS, JS...)."""
    return Response(status, [("Content-Type", f"{content_type}; charset=utf-8")], text.encode())


def compressed(text: str | bytes, encoding: str = "gzip", status: int = 200) -> Response:
    """An HTML body pre-encoded with Content-Encoding gzip or deflate (sent as is)."""
    raw = text.encode() if isinstance(text, str) else text
    if encoding == "gzip":
        body = gzip.compress(raw, mtime=0)
    elif encoding == "deflate":
        body = zlib.compress(raw)
    else:
        raise ValueError(f"unsupported Content-Encoding {encoding!r}")
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)]
    return Response(status, headers, body)


def redirect(location: str, status: int = 302) -> Response:
    """A redirect with a tiny HTML body, as real servers send."""
    body = f'<html><body><a href="{location}">moved</a></body></html>'
    return html(body, status, headers=[("Location", location)])


def not_found() -> Response:
    """A 404 page."""
    return html("<html><body><h1>404 Not Found</h1></body></html>", 404)


def reset() -> Response:
    """Close the connection with a TCP RST instead of answering."""
    return Response(reset=True)


PageValue = Response | bytes | str | Callable[[Request], Response]


def _as_response(value: PageValue, req: Request) -> Response:
    """Normalise a page table entry into a fresh Response."""
    if callable(value):
        return value(req)
    if isinstance(value, Response):
        return replace(value, headers=list(value.headers))  # callers may append headers
    return html(value)


class Site:
    """A virtual web site served by :class:`testweb.TestWeb` under ``host``.

    Subclasses override :meth:`respond`; simple sites pass a ``pages`` table
    mapping a path (or path?query) to bytes/str HTML, a Response or a callable.
    ``tls=True`` makes the proxy accept CONNECT to the host and terminate TLS.
    """

    def __init__(
        self,
        host: str,
        pages: Mapping[str, PageValue] | None = None,
        *,
        tls: bool = False,
        robots_txt: str | None = DEFAULT_ROBOTS,
        description: str | None = None,
    ) -> None:
        self.host = host.lower().rstrip(".")
        self.pages: dict[str, PageValue] = dict(pages or {})
        self.tls = tls
        self.robots_txt = robots_txt
        doc = (type(self).__doc__ or "").strip().split("\n")[0]
        self.description = description if description is not None else doc

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.host}{' tls' if self.tls else ''}>"

    def handle(self, req: Request) -> Response:
        """Answer ``req``: robots.txt, then :meth:`respond`, then 404."""
        if req.path == "/robots.txt" and self.robots_txt is not None:
            return plain(self.robots_txt)
        resp = self.respond(req)
        return resp if resp is not None else not_found()

    def respond(self, req: Request) -> Response | None:
        """Look the request up in the page table; None means 404."""
        value = self.pages.get(req.target)
        if value is None:
            value = self.pages.get(req.path)
        return None if value is None else _as_response(value, req)

    def paths(self) -> list[str]:
        """Known page paths, for tests and tools (may be partial for generators)."""
        return sorted(self.pages)


class RedirectSite(Site):
    """Every path answers a redirect to the same path on another host (a domain hop)."""

    def __init__(
        self, host: str, target: str, *, status: int = 301, scheme: str = "http", **kw: object
    ) -> None:
        super().__init__(host, robots_txt=None, **kw)  # type: ignore[arg-type]
        self.target = target
        self.status = status
        self.scheme = scheme

    def handle(self, req: Request) -> Response:
        """Redirect everything, robots.txt included, as hopped domains do."""
        return redirect(f"{self.scheme}://{self.target}{req.target}", self.status)
