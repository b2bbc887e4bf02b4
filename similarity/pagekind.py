"""Label pages that carry no mirror evidence.

Parking pages, default server pages, anti-bot challenges, error pages and
seizure or court-order notices look alike across unrelated owners: thousands
of domains serve the same Sedo lander or the same "Welcome to nginx!".  Such
pages are kept (their kind is evidence for the crawl report) but never enter a
site signature, so two parked domains can never be scored as mirrors of each
other.
"""

from __future__ import annotations

import re

CONTENT = "content"
EMPTY = "empty"
PARKED = "parked"
DEFAULT = "default"
CHALLENGE = "challenge"
ERROR = "error"
ASSET = "asset"
NOTICE = "notice"
KINDS = (CONTENT, EMPTY, PARKED, DEFAULT, CHALLENGE, ERROR, ASSET, NOTICE)  # append only: stored
NO_EVIDENCE = frozenset({EMPTY, PARKED, DEFAULT, CHALLENGE, ERROR, NOTICE})

HEAD_CHARS = 60_000
_HEAD_CHARS = HEAD_CHARS
_MIN_TEXT = 40

_DEFAULT_TITLES = re.compile(
    r"welcome to (?:nginx|openresty|centos|tengine|caddy)|apache2? (?:ubuntu|debian) default page|"
    r"test page for (?:the )?(?:apache|nginx)|^it works!?$|iis windows server|"
    r"^iis\d*$|internet information services|default web ?site page|web server'?s default page|"
    r"domain default page|site not configured|future home of something quite cool|"
    r"^index of /|coming soon|under construction|litespeed web server|just another wordpress site|"
    r"^plesk|^cpanel|account suspended|website is (?:temporarily )?(?:unavailable|disabled)|"
    r"\bdefault page\b|^hello,? world!?$|webhosting und webspace bei|^welcome to your new site|"
    r"^domain (?:default|placeholder)|^new website$|^my (?:blog|site|wordpress)$",
    re.IGNORECASE,
)
_DEFAULT_BODY = (
    "if you see this page, the nginx web server is successfully installed",
    "this is the default welcome page used to test the correct operation of the apache2",
    "it works! this is the default web page for this server",
    "this page is used to test the proper operation of the apache http server",
    "just another wordpress site",
    "welcome to wordpress. this is your first post",
    "this account has been suspended",
    "hosting-default-page",
    "default page of the web server",
    "the site you were trying to reach is not configured",
)
_PARKED_MARKERS = (
    "this domain may be for sale",
    "this domain is for sale",
    "domain is for sale",
    "buy this domain",
    "the domain name is for sale",
    "domain name is for sale",
    "make an offer on this domain",
    "this domain has been registered",
    "this domain name has been registered",
    "parked free",
    "domain parking",
    "parkingcrew",
    "sedoparking",
    "sedo.com/search/details",
    "bodis.com",
    "parklogic",
    "window.park",
    "/px.js?ch=",
    "parking-lander",
    "dan.com/buy-domain",
    "afternic.com",
    "hugedomains.com",
    "above.com/marketplace",
    "related searches",
    "domain-for-sale",
    "is available for purchase",
    "inquire about this domain",
    "domain names for sale",
    "this web page is parked",
    "this page is parked",
    "domeneshop",
    "undeveloped.com",
    "has been listed for sale",
    "is this your domain",
    "this website is for sale",
    "the future home of",
    "this domain is under construction",
    "parked domain",
    "domain is parked",
    "get this domain",
)
_PARKED_TITLES = re.compile(
    r"\bparked (?:domain|page|free)|(?:website|domain|site)(?: name)? (?:is|may be) for sale|"
    r"domain (?:name )?(?:is )?(?:available|expired)|register with confidence|"
    r"resources and information\.?$",
    re.IGNORECASE,
)
_CHALLENGE_MARKERS = (
    "cf-browser-verification",
    "cf_chl_opt",
    "/cdn-cgi/challenge-platform",
    "attention required! | cloudflare",
    "checking your browser before accessing",
    "ddos-guard",
    "sucuri_cloudproxy",
    "captcha-delivery.com",
    "_incapsula_resource",
    "px-captcha",
    "enable javascript and cookies to continue",
    "just a moment...",
    "one more step",
    "verify you are human",
)
# A seized domain, or an ISP's court-order block page: it may redirect anywhere (the
# rightsholder's site, a government page) and shares its wording with every other
# seized domain, so it is never evidence.  Only short pages: a pirate site's own
# page "blocked in your country? use these mirrors" is longer, and it is one page.
_NOTICE_MARKERS = (
    "domain has been seized",
    "website has been seized",
    "site has been seized",
    "domain name has been seized",
    "has been seized by",
    "seized pursuant to",
    "this domain was seized",
    "has been shut down by the alliance for creativity",
    "taken down by the alliance for creativity",
    "blocked pursuant to orders of the high court",
    "blocked by order of the high court",
    "has been blocked by court order",
    "blocked following a court order",
    "access to this website has been blocked",
    "access to this site has been blocked",
    "a été bloqué en application d'une décision de justice",
    "l'accès à ce site a été bloqué",
    "bloqué sur décision de justice",
    "sito sottoposto a sequestro",
    "sequestro preventivo",
    "bloqueado por orden judicial",
    "bloqueado por ordem judicial",
    "diese domain wurde beschlagnahmt",
    "доступ к ресурсу ограничен на основании",
    "доступ ограничен по решению суда",
    "заблокирован по решению суда",
)
_MAX_NOTICE_TEXT = 1_500

_ERROR_TITLES = re.compile(
    r"^\s*(?:error\s*)?(?:40[0-9]|41[0-9]|50[0-9]|52[0-9])\b|not found|forbidden|bad gateway|"
    r"service (?:temporarily )?unavailable|gateway time-?out|internal server error|"
    r"page not found|access denied|error 10\d\d|\b52\d: |web server is down|"
    r"connection timed out|origin dns error|bad request|too many requests",
    re.IGNORECASE,
)


def classify(
    title: str,
    text: str,
    html_lower_head: str,
    n_elements: int,
    status: int | None = None,
) -> str:
    """Kind of an HTML page from its title, visible text and raw head.

    ``html_lower_head`` is the start of the raw HTML (markers often
    sit in scripts).  ``status`` is the HTTP status when the caller knows it.
    """
    title = (title or "").strip()
    lower_text = text[:20_000].lower()
    short = len(text) < 8_000  # marker scans only for small pages: they are costly
    # lowercased here and only when read; a caller may pass it lowercased already
    head = html_lower_head[:_HEAD_CHARS].lower() if short else ""
    if short and len(text) < 5_000 and any(m in head for m in _CHALLENGE_MARKERS):
        return CHALLENGE
    if status is not None and status >= 400:
        return ERROR
    if len(text.strip()) < _MIN_TEXT and n_elements < 25:
        return EMPTY
    if _DEFAULT_TITLES.search(title) or any(m in lower_text for m in _DEFAULT_BODY):
        return DEFAULT
    if len(text) < _MAX_NOTICE_TEXT and _is_notice(f"{title.lower()} {lower_text}"):
        return NOTICE
    if _PARKED_TITLES.search(title):
        return PARKED
    if short and any(m in head for m in _PARKED_MARKERS):
        return PARKED
    if _ERROR_TITLES.search(title) and len(text) < 3_000:
        return ERROR
    return CONTENT


def _is_notice(lower: str) -> bool:
    """Seizure or court-order wording: spacing, line breaks, no-break spaces and
    typographic apostrophes read as in the markers.  Naming ACE or a court is not
    enough (a pirate footer does); the wording says the site was seized or blocked."""
    lower = " ".join(lower.replace("\u2019", "'").split())  # str.split: \xa0 too
    return any(m in lower for m in _NOTICE_MARKERS)
