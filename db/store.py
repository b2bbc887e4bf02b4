"""Reads and writes of mirrorhunt's tables, one method per fact recorded.

The crawler, the CLI and the ingester all go through this class so that a
fact (a site seen, a candidate found) is recorded the same way wherever it
comes from.  Writes that belong together run in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class FrontierEntry:
    url: str
    key: str
    site: str
    depth: int
    hops: int


class Store:
    """mirrorhunt's tables behind named operations."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    # -- sites, services, candidates -------------------------------------
    def touch_site(self, domain: str, when: str | None = None) -> None:
        when = when or utc_now()
        self.db.execute(
            "INSERT INTO sites (domain, first_seen, last_seen) VALUES (?, ?, ?) "
            "ON CONFLICT(domain) DO UPDATE SET last_seen = excluded.last_seen",
            [domain, when, when],
        )

    def service_id(self, name: str) -> int:
        """The id of a service, created on first use."""
        row = self.db.execute("SELECT id FROM services WHERE name = ?", [name]).fetchone()
        if row:
            return row[0]
        cursor = self.db.execute(
            "INSERT INTO services (name, created_at) VALUES (?, ?)", [name, utc_now()]
        )
        return cursor.lastrowid

    def add_blocked_domain(self, service: str, domain: str, site: str) -> bool:
        """Record a blocked domain; False when it was already listed for this service."""
        existing = self.blocked_service_of(domain)
        if existing is not None:
            if existing != service:
                raise ValueError(f"{domain} is already blocked for service {existing!r}")
            return False
        self.touch_site(site)
        self.db.execute(
            "INSERT INTO blocked_domains (domain, service_id, site, added_at) VALUES (?, ?, ?, ?)",
            [domain, self.service_id(service), site, utc_now()],
        )
        return True

    def remove_blocked_domain(self, domain: str, reason: str, removed_by: str) -> str:
        """Take a domain off its service's order; the removal and its reason are kept."""
        service = self.blocked_service_of(domain)
        if service is None:
            raise ValueError(f"{domain} is not a blocked domain")
        if not reason.strip():
            raise ValueError("a removal needs a reason (--reason)")
        with self.db.atomic():
            self.db.execute("DELETE FROM blocked_domains WHERE domain = ?", [domain])
            self.db.execute(
                "INSERT INTO blocked_domain_removals (domain, service, reason, removed_by, "
                "removed_at) VALUES (?, ?, ?, ?, ?)",
                [domain, service, reason.strip(), removed_by or "unknown", utc_now()])
        return service

    def set_order_expiry(self, service: str, expires: str | None) -> None:
        """The date (UTC, YYYY-MM-DD) a service's court order ends; None: in force."""
        cursor = self.db.execute("UPDATE services SET order_expires = ? WHERE name = ?",
                                 [expires, service])
        if cursor.rowcount != 1:
            raise ValueError(f"unknown service {service!r}")

    def expired_services(self, today: str) -> dict[str, str]:
        """Services whose order has ended by ``today`` (YYYY-MM-DD), with the date."""
        return dict(self.db.execute(
            "SELECT name, order_expires FROM services WHERE order_expires IS NOT NULL "
            "AND order_expires <= ?", [today]).fetchall())

    def blocked_service_of(self, domain: str) -> str | None:
        row = self.db.execute(
            "SELECT s.name FROM blocked_domains b JOIN services s ON s.id = b.service_id "
            "WHERE b.domain = ?",
            [domain],
        ).fetchone()
        return row[0] if row else None

    def blocked_domains(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT s.name AS service, b.domain, b.site, b.added_at, s.order_expires "
                "FROM blocked_domains b JOIN services s ON s.id = b.service_id "
                "ORDER BY s.name, b.domain"
            )
        )

    def add_candidate(
        self,
        domain: str,
        site: str,
        source: str,
        detail: str = "",
        hops: int = 0,
        run_id: int | None = None,
    ) -> bool:
        """Record a candidate and where it came from; True when the domain is new."""
        now = utc_now()
        is_new = (
            self.db.execute("SELECT 1 FROM candidates WHERE domain = ?", [domain]).fetchone()
            is None
        )
        self.touch_site(site, now)
        self.db.execute(
            "INSERT INTO candidates (domain, site, source, source_detail, hops, first_seen, "
            "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(domain) DO UPDATE SET "
            "last_seen = excluded.last_seen, hops = MIN(hops, excluded.hops)",
            [domain, site, source, detail, hops, now, now],
        )
        self.db.execute(
            "INSERT OR IGNORE INTO candidate_sources (domain, source, source_detail, run_id, "
            "seen_at) VALUES (?, ?, ?, ?, ?)",
            [domain, source, detail, run_id, now],
        )
        return is_new

    def candidates(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT domain, site, source, source_detail, hops, first_seen, last_seen "
                "FROM candidates ORDER BY first_seen, domain"
            )
        )

    def crawl_targets(self) -> list[tuple[str, int]]:
        """Domains a crawl starts from, with their hop count: blocked first."""
        blocked = [(row["domain"], 0) for row in self.blocked_domains()]
        seen = {domain for domain, _ in blocked}
        tips = [(c["domain"], c["hops"]) for c in self.candidates() if c["domain"] not in seen]
        return blocked + tips

    # -- crawl runs and frontier -------------------------------------------
    def start_run(self, settings: dict[str, Any]) -> int:
        cursor = self.db.execute(
            "INSERT INTO crawl_runs (started_at, status, settings) VALUES (?, 'running', ?)",
            [utc_now(), json.dumps(settings, sort_keys=True, default=str)],
        )
        return cursor.lastrowid

    def reopen_run(self, run_id: int) -> None:
        self.db.execute(
            "UPDATE crawl_runs SET status = 'running', finished_at = NULL WHERE id = ?", [run_id]
        )

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE crawl_runs SET status = ?, finished_at = ?, stats = ? WHERE id = ?",
            [status, utc_now(), json.dumps(stats, sort_keys=True, default=str), run_id],
        )

    def unfinished_run(self) -> dict[str, Any] | None:
        """The latest run that did not finish (interrupted or killed), if any."""
        rows = list(
            self.db.query(
                "SELECT * FROM crawl_runs WHERE status != 'finished' ORDER BY id DESC LIMIT 1"
            )
        )
        return rows[0] if rows else None

    def run(self, run_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))
        return rows[0] if rows else None

    def enqueue(self, run_id: int, entry: FrontierEntry) -> bool:
        """Add a URL to the run's frontier; False when the run already had it."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO frontier (run_id, key, url, site, depth, hops, state, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
            [run_id, entry.key, entry.url, entry.site, entry.depth, entry.hops, utc_now()],
        )
        return cursor.rowcount == 1

    def requeue(self, run_id: int, key: str, url: str) -> bool:
        """Queue a failed entry again under another URL (the other scheme)."""
        cursor = self.db.execute(
            "UPDATE frontier SET url = ?, state = 'queued' WHERE run_id = ? AND key = ? "
            "AND state != 'done' AND url != ?",
            [url, run_id, key, url],
        )
        return cursor.rowcount == 1

    def set_frontier_state(self, run_id: int, key: str, state: str) -> None:
        self.db.execute(
            "UPDATE frontier SET state = ? WHERE run_id = ? AND key = ?", [state, run_id, key]
        )

    def queued(self, run_id: int) -> list[FrontierEntry]:
        rows = self.db.execute(
            "SELECT url, key, site, depth, hops FROM frontier "
            "WHERE run_id = ? AND state = 'queued' ORDER BY depth, rowid",
            [run_id],
        ).fetchall()
        return [FrontierEntry(*row) for row in rows]

    def frontier_keys(self, run_id: int) -> set[str]:
        rows = self.db.execute("SELECT key FROM frontier WHERE run_id = ?", [run_id])
        return {key for (key,) in rows}

    def frontier_counts(self, run_id: int) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT site, COUNT(*) FROM frontier WHERE run_id = ? GROUP BY site", [run_id]
        ).fetchall()
        return dict(rows)

    # -- captures, links, errors -------------------------------------------
    def add_capture(
        self,
        capture: dict[str, Any],
        redirects: Iterable[dict[str, Any]] = (),
        links: Iterable[dict[str, Any]] = (),
    ) -> int:
        """Store one capture with its redirect hops and out-links in one transaction."""
        with self.db.atomic():
            if capture.get("site"):
                self.touch_site(capture["site"], capture["fetched_at"])
            columns = ", ".join(capture)
            marks = ", ".join("?" * len(capture))
            capture_id = self.db.execute(
                f"INSERT INTO captures ({columns}) VALUES ({marks})", list(capture.values())
            ).lastrowid
            self.db.conn.executemany(
                "INSERT INTO redirects (capture_id, hop, url, status, location) "
                "VALUES (?, ?, ?, ?, ?)",
                [(capture_id, n, h["url"], h["status"], h["location"])
                 for n, h in enumerate(redirects)],
            )
            self.db.conn.executemany(
                "INSERT INTO links (capture_id, url, anchor, site, external) "
                "VALUES (?, ?, ?, ?, ?)",
                [(capture_id, k["url"], k["anchor"], k["site"], k["external"]) for k in links],
            )
        return capture_id

    def add_error(
        self, run_id: int | None, url: str, site: str | None, kind: str, msg: str
    ) -> None:
        self.db.execute(
            "INSERT INTO errors (run_id, url, site, kind, message, at) VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, url, site, kind, msg[:2000], utc_now()],
        )

    def captures_of(self, sites: list[str], limit: int = 20) -> list[dict[str, Any]]:
        """Latest captures of sites, with what analysis found on them.

        A capture belongs to a site when its final URL does, or when it was
        requested on the site and redirected away: that is all a domain hop has.
        """
        if not sites:
            return []
        requested = " OR ".join(
            "c.url LIKE 'http://' || ? || '/%' OR c.url LIKE 'https://' || ? || '/%' "
            "OR c.url LIKE '%.' || ? || '/%'" for _ in sites)
        marks = ", ".join("?" * len(sites))
        args = [*sites, *(s for site in sites for s in (site, site, site)), limit]
        return list(self.db.query(
            "SELECT c.id, c.site, c.url, c.final_url, c.status, c.fetched_at, f.title, f.kind, "
            "f.identifiers FROM captures c LEFT JOIN page_features f ON f.capture_id = c.id "
            f"WHERE c.site IN ({marks}) OR {requested} "
            "ORDER BY c.fetched_at DESC, c.id DESC LIMIT ?", args))

    def captured_urls(self, run_id: int) -> set[str]:
        return {
            row[0]
            for row in self.db.execute("SELECT url FROM captures WHERE run_id = ?", [run_id])
        }

    def register_warc(self, path: str, run_id: int | None, source: str, **extra: Any) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO warc_files (path, run_id, source, original_name, sha256, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [path, run_id, source, extra.get("original_name"), extra.get("sha256"), utc_now()],
        )

    def warc_ends(self, run_id: int) -> Iterator[tuple[str, int]]:
        """Each WARC file of a run with the end of its last stored record."""
        yield from self.db.execute(
            "SELECT warc_file, MAX(warc_offset + warc_length) FROM captures WHERE run_id = ? "
            "GROUP BY warc_file",
            [run_id],
        ).fetchall()

    def counts(self, run_id: int | None = None) -> dict[str, int]:
        where, args = ("WHERE run_id = ?", [run_id]) if run_id is not None else ("", [])
        return {
            table: self.db.execute(f"SELECT COUNT(*) FROM {table} {where}", args).fetchone()[0]
            for table in ("captures", "errors")
        }
