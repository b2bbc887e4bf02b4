"""Pair-score and fact builders for hand-made attribution scenarios.

Pairs are written in ``PairScore.to_dict()`` form with the evidence details
similarity produces (shared ids with their population counts), so the graph
is tested on exactly what the DB layer will hand it.
"""

from __future__ import annotations

from typing import Any


def pair(
    a: str,
    b: str,
    score: float = 0.95,
    verdict: str | None = None,
    agreeing: tuple[str, ...] = ("links", "text"),
    signals: dict[str, float] | None = None,
    ids: tuple[tuple[str, int], ...] = (),
) -> dict[str, Any]:
    """One scored pair; ``ids`` are shared owner ids with the number of sites carrying each."""
    if verdict is None:
        verdict = "mirror" if score >= 0.6 else "related" if score >= 0.3 else "none"
    signals = dict(signals or {s: 0.9 for s in agreeing if s in ("structure", "links", "text")})
    evidence = [{"signal": s, "score": signals.get(s, 0.05), "detail": {}}
                for s in ("structure", "links", "text")]
    shared = [{"id": i, "sites": n, "weight": 1.0 if n <= 2 else round(1 / (1 + _ln(n / 2)), 3)}
              for i, n in ids]
    miss = 1.0
    for item in shared:
        miss *= 1 - item["weight"]
    evidence.append({"signal": "owner", "score": round(1 - miss, 3), "detail": {"shared": shared}})
    return {"a": a, "b": b, "score": score, "verdict": verdict, "agreeing": list(agreeing),
            "evidence": evidence}


def _ln(x: float) -> float:
    import math

    return math.log(x)


def blocked(*domains_services: tuple[str, str]) -> dict[str, dict[str, Any]]:
    return {d: {"role": "blocked", "service": s, "page_kind": "content"}
            for d, s in domains_services}


def candidates(*domains: str, kind: str = "content") -> dict[str, dict[str, Any]]:
    return {d: {"role": "candidate", "service": None, "page_kind": kind} for d in domains}
