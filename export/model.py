"""Value types shared by validation, the format writers and the caller.

They carry no database handles: the CLI and the web subscription load rows,
build :class:`Entry` objects and hand them to :func:`export.render`, so the
whole export core stays pure and testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

KINDS: tuple[str, ...] = ("blocked", "mirror")
"""``blocked``: a service's own domain; ``mirror``: an approved mirror of it."""

MAX_SERIAL = 2**32 - 1
"""DNS SOA serials are unsigned 32-bit numbers (RFC 1035)."""


@dataclass(frozen=True)
class Entry:
    """One domain of one service, as approved by a reviewer."""

    domain: str
    service: str
    kind: str
    approved_at: str | None = None
    reviewer: str | None = None
    evidence_ref: str | None = None


@dataclass(frozen=True)
class ListMeta:
    """What a list's header says about it.

    ``serial`` is only used by the RPZ zone (its SOA serial); the caller keeps
    it with the list version and bumps it with :func:`export.rpz_serial` when
    :func:`export.content_hash` changes.  ``services`` names the services the
    list was built for; when empty the header names those present in it.
    """

    name: str
    version: int
    generated_at: datetime
    serial: int = 1
    expires_hours: int = 24
    services: tuple[str, ...] = ()
    homepage: str | None = None
    ttl: int = 300

    def __post_init__(self) -> None:
        if self.generated_at.tzinfo is None:
            raise ValueError("ListMeta.generated_at must be timezone-aware (UTC)")
        object.__setattr__(self, "generated_at", self.generated_at.astimezone(UTC))
        if not 1 <= self.serial <= MAX_SERIAL:
            raise ValueError(f"serial {self.serial} is outside 1..{MAX_SERIAL}")
        if self.version < 0:
            raise ValueError("version must not be negative")
        if self.expires_hours < 1:
            raise ValueError("expires_hours must be at least 1")
        if self.ttl < 0:
            raise ValueError("ttl must not be negative")


@dataclass(frozen=True)
class Refusal:
    """An entry left out of a list, and why: nothing is ever dropped silently.

    ``domain`` is the text as it was given (before normalisation) so a
    reviewer can find the row; ``code`` is a stable machine-readable reason
    (see :data:`export.validate.REASON_CODES`).
    """

    domain: str
    service: str
    reason: str
    code: str = ""
    kind: str = ""


@dataclass(frozen=True)
class ExportResult:
    """The rendered file plus what went into it and what was kept out."""

    format: str
    text: str
    accepted: list[Entry] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
