"""Vocabulary of the evidence graph: roles, edge types, settings and results.

Everything here is plain data so the database layer can feed the graph and
store what comes out without this package knowing about SQLite.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# -- node roles ---------------------------------------------------------------
BLOCKED = "blocked"
CANDIDATE = "candidate"
APPROVED = "approved"
REJECTED = "rejected"
ALLOWLISTED = "allowlisted"
ROLES = (BLOCKED, CANDIDATE, APPROVED, REJECTED, ALLOWLISTED)

NON_CONTENT_KINDS = frozenset({"parked", "default", "challenge", "notice"})
"""Page kinds that are never proposed and never carry attribution: a parking
provider's or a web server's page says nothing about who owns the domain."""

# -- edge types -----------------------------------------------------------------
STRUCTURE, LINKS, TEXT, IDENTIFIER, BRAND = "structure", "links", "text", "identifier", "brand"
REFERENCE, REDIRECT, LINKS_TO, SAME_IP, TLS_SAN, NAME = (
    "reference", "redirect", "links_to", "same_ip", "tls_san", "name",
)
PAIR = "pair"
"""The similarity stage's combined decision for a pair (verdict + score); the
per-signal edges beside it are what a reviewer reads."""
EDGE_TYPES = (PAIR, STRUCTURE, LINKS, TEXT, IDENTIFIER, BRAND, REFERENCE, REDIRECT,
              LINKS_TO, SAME_IP, TLS_SAN, NAME)

# Families of weak evidence: two items of one family are one fact seen twice
# (same IP and a shared certificate both say "same hosting"), so weak
# attribution needs two *different* families.
SIMILARITY, HOSTING, DECLARED = "similarity", "hosting", "declared"

SIGNAL_EDGE = {
    "structure": STRUCTURE, "links": LINKS, "text": TEXT, "owner": IDENTIFIER,
    "content": IDENTIFIER, "brand": BRAND, "reference": REFERENCE,
}
"""similarity signal → edge type (``asset`` and ``outbound`` never enter: they
are shared by CDN users and link farms and decide nothing)."""

STRONG_ID_KINDS = frozenset({
    "ga", "ga4", "gtm", "adsense", "ym", "matomo", "histats", "fbpixel", "cfbeacon",
    "telegram", "discord", "email", "btc", "eth", "xmr", "trx", "ltc",
})
"""Owner ids that name an account.  Favicon and script hashes are copied with
a theme, and content ids (a magnet hash) are shared by every index listing the
same release, so neither is proof on its own."""


@dataclass
class Config:
    """Attribution settings; defaults are explained in ``docs/graph.md``."""

    hub_min_sites: int = 10
    """A value (IP, id, SAN, redirect target) on more sites than this *and* more
    than ``hub_fraction`` of the population is a hub, whatever its carriers."""
    hub_fraction: float = 0.001
    incoherent_min_sites: int = 4
    """From this many carriers on, a value whose carriers mostly lack any other
    strong tie to each other is a hub too (an ad network, a shared host)."""
    coherent_share: float = 0.5
    rare_id_sites: int = 3
    """An account id on at most this many sites is strong evidence alone."""
    strong_pair_score: float = 0.6
    """similarity's mirror threshold (``MIRROR_SCORE``)."""
    structure_links: float = 0.8
    """Structure and links both at least this: a copy, whatever the verdict."""
    redirect_strength: float = 0.95
    temporary_redirect_strength: float = 0.9
    rare_id_strength: float = 0.85
    structure_links_strength: float = 0.8
    weak_pair_score: float = 0.3
    same_ip_strength: float = 0.3
    tls_san_strength: float = 0.4
    declared_strength: float = 0.5
    weak_cap: float = 0.59
    """Weak agreement never reaches the medium band on its own."""
    min_score: float = 0.5
    """Strong chains stop below this score: evidence decays hop by hop."""
    high_band: float = 0.85
    medium_band: float = 0.6
    conflict_ratio: float = 0.75
    """A runner-up service within this ratio of the winner lowers the band."""

    def hub_limit(self, population: int) -> int:
        """Carriers above which a value is a hub regardless of coherence."""
        return max(self.hub_min_sites, int(self.hub_fraction * population))


@dataclass
class Attribution:
    """Why a site belongs to a service: its parent on the path and the link used."""

    site: str
    service: str
    score: float
    parent: str | None
    mode: str  # "seed", "strong" or "weak"
    depth: int = 0
    conflicts: dict[str, float] = field(default_factory=dict)
    support: list[str] = field(default_factory=list)
    """Sites whose weak evidence agreed (weak mode only)."""


@dataclass
class Proposal:
    """"domain is a mirror of service", ready for a reviewer."""

    domain: str
    service: str
    score: float
    band: str
    evidence: list[dict[str, Any]]
    path: list[dict[str, Any]]
    path_text: str
    conflicts: list[dict[str, Any]]
    evidence_fingerprint: str
    evidence_keys: list[str] = field(default_factory=list)
    mode: str = "strong"
    """``strong`` (evidence enough alone, possibly chained) or ``weak`` (agreement)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI adds ``status``)."""
        return asdict(self)


def _evidence_dict(ev: Any) -> dict[str, Any]:
    if isinstance(ev, dict):
        return ev
    return {"signal": ev.signal, "score": ev.score, "detail": ev.detail}


def pair_dict(pair: Any) -> dict[str, Any]:
    """Accept a ``similarity.PairScore`` or its ``to_dict()`` form.

    Objects are read attribute by attribute, not through ``asdict``: its deep
    copy of every evidence detail was most of the graph stage's time.
    """
    if isinstance(pair, dict):
        data = pair
    elif hasattr(pair, "evidence") and hasattr(pair, "verdict"):
        data = {"a": pair.a, "b": pair.b, "score": pair.score, "verdict": pair.verdict,
                "agreeing": pair.agreeing, "evidence": pair.evidence}
    else:
        raise TypeError(f"not a pair score: {pair!r}")
    evidence = [_evidence_dict(e) for e in data.get("evidence", [])]
    return {**data, "evidence": evidence}
