"""Score proposals against a labels file (``blocked``, ``candidates``, ``truth``).

A proposal is right when ``truth[domain]`` names the proposed service.  A
proposal of the wrong service is a false positive *and* its domain stays a
miss: blocking an innocent site and attributing a mirror to the wrong court
order are both errors a reviewer must catch.  Proposals for domains the
labels do not know are reported apart (``unlabelled``), never counted right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class EvalResult:
    precision: float
    recall: float
    true_positives: int
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    unlabelled: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _as_pair(p: Any) -> tuple[str, str]:
    if isinstance(p, Mapping):
        return p["domain"], p["service"]
    return p.domain, p.service


def evaluate(labels: Mapping[str, Any], proposals: Iterable[Any]) -> EvalResult:
    """Precision, recall, false positives and misses of ``proposals`` under ``labels``.

    Blocked domains are not scored (they are the input).  Precision is 1.0
    when nothing was proposed: nothing innocent was blocked.
    """
    truth: Mapping[str, str | None] = labels.get("truth", {})
    blocked = {b["domain"] for b in labels.get("blocked", [])}
    proposed: dict[str, str] = {}
    for p in proposals:
        domain, service = _as_pair(p)
        proposed.setdefault(domain, service)
    tp, fps, unlabelled = 0, [], []
    for domain, service in sorted(proposed.items()):
        if domain in blocked:
            continue
        if domain not in truth:
            unlabelled.append({"domain": domain, "proposed": service})
        elif truth[domain] == service:
            tp += 1
        else:
            fps.append({"domain": domain, "proposed": service, "truth": truth[domain]})
    positives = {d: s for d, s in truth.items() if s is not None}
    misses = [{"domain": d, "service": s} for d, s in sorted(positives.items())
              if proposed.get(d) != s]
    judged = tp + len(fps)
    precision = tp / judged if judged else 1.0
    recall = tp / len(positives) if positives else 1.0
    return EvalResult(round(precision, 4), round(recall, 4), tp, fps, misses, unlabelled)
