"""The schema, created and migrated by code.

Each migration is a list of SQL statements, applied once and recorded in
``_sqlite_migrations``; opening an older file applies what it lacks.  Never
edit a shipped migration: add a new one.  Column comments are kept in the
DDL so ``sqlite3 .schema`` and Datasette show what each field means.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("mirrorhunt")

INITIAL_SCHEMA = [
    """
    CREATE TABLE sites (
        domain TEXT PRIMARY KEY,          -- registrable domain (eTLD+1, PSL private section incl.)
        first_seen TEXT NOT NULL,         -- UTC ISO time mirrorhunt first heard of it
        last_seen TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE services (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,        -- as the court order names it
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE blocked_domains (
        domain TEXT PRIMARY KEY,          -- host name as ordered blocked (punycode, lowercase)
        service_id INTEGER NOT NULL REFERENCES services(id),
        site TEXT NOT NULL REFERENCES sites(domain),
        added_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE candidates (
        domain TEXT PRIMARY KEY,          -- host name suspected of being a mirror
        site TEXT NOT NULL REFERENCES sites(domain),
        source TEXT NOT NULL,             -- first source: tip, import, link, redirect
        source_detail TEXT,               -- the page or URL it came from
        hops INTEGER NOT NULL DEFAULT 0,  -- discovery hops from a blocked domain (tips: 0)
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE candidate_sources (
        domain TEXT NOT NULL REFERENCES candidates(domain),
        source TEXT NOT NULL,             -- tip, import, link, redirect
        source_detail TEXT NOT NULL DEFAULT '',
        run_id INTEGER REFERENCES crawl_runs(id),
        seen_at TEXT NOT NULL,
        PRIMARY KEY (domain, source, source_detail)
    )
    """,
    """
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,             -- running, finished, interrupted
        settings TEXT NOT NULL,           -- JSON: the options and safety settings in force
        stats TEXT                        -- JSON: Scrapy stats and mirrorhunt counters
    )
    """,
    """
    CREATE TABLE frontier (
        run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
        key TEXT NOT NULL,                -- canonical URL minus scheme: http and https are one
        url TEXT NOT NULL,                -- URL to request (fragment dropped, query sorted)
        site TEXT NOT NULL,
        depth INTEGER NOT NULL,
        hops INTEGER NOT NULL,
        state TEXT NOT NULL,              -- queued, done, failed
        added_at TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
    )
    """,
    "CREATE INDEX frontier_state ON frontier(run_id, state)",
    """
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES crawl_runs(id),   -- NULL for ingested WARC records
        url TEXT NOT NULL,                -- URL requested
        final_url TEXT NOT NULL,          -- URL that answered after redirects
        site TEXT REFERENCES sites(domain),         -- registrable domain of final_url
        status INTEGER NOT NULL,
        headers TEXT NOT NULL,            -- JSON list of [name, value]
        content_type TEXT,
        ip TEXT,                          -- peer address (the proxy's when crawling through one)
        tls_subject TEXT,
        tls_sans TEXT,                    -- JSON list of subjectAltName DNS names
        fetched_at TEXT NOT NULL,         -- UTC ISO time
        body_sha256 TEXT NOT NULL,
        body_length INTEGER NOT NULL,
        depth INTEGER,
        warc_file TEXT NOT NULL,          -- path relative to the data folder
        warc_offset INTEGER NOT NULL,     -- offset of the response record
        warc_length INTEGER NOT NULL      -- bytes of the record (and its request)
    )
    """,
    "CREATE INDEX captures_site ON captures(site)",
    "CREATE INDEX captures_url ON captures(url)",
    """
    CREATE TABLE redirects (
        capture_id INTEGER NOT NULL REFERENCES captures(id),
        hop INTEGER NOT NULL,             -- 0 for the first request
        url TEXT NOT NULL,
        status INTEGER NOT NULL,
        location TEXT NOT NULL,
        PRIMARY KEY (capture_id, hop)
    )
    """,
    """
    CREATE TABLE links (
        capture_id INTEGER NOT NULL REFERENCES captures(id),
        url TEXT NOT NULL,                -- absolute target URL
        anchor TEXT NOT NULL,             -- visible anchor text (trimmed, bounded)
        site TEXT,                        -- registrable domain of the target
        external INTEGER NOT NULL         -- 1 when the target is another site
    )
    """,
    "CREATE INDEX links_capture ON links(capture_id)",
    "CREATE INDEX links_site ON links(site)",
    """
    CREATE TABLE errors (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES crawl_runs(id),
        url TEXT NOT NULL,
        site TEXT,
        kind TEXT NOT NULL,               -- dns, refused, tls, timeout, reset, too_large, trap, ...
        message TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX errors_run ON errors(run_id)",
    """
    CREATE TABLE warc_files (
        path TEXT PRIMARY KEY,            -- relative to the data folder
        run_id INTEGER REFERENCES crawl_runs(id),
        source TEXT NOT NULL,             -- crawl or ingest
        original_name TEXT,               -- for ingested files
        sha256 TEXT,
        created_at TEXT NOT NULL
    )
    """,
]


@MIGRATIONS(name="0001_initial")
def initial(db: sqlite_utils.Database) -> None:
    for statement in INITIAL_SCHEMA:
        db.execute(statement)


@MIGRATIONS(name="0002_site_summary")
def site_summary(db: sqlite_utils.Database) -> None:
    """A view for Datasette users: what was captured of each site, and how it failed."""
    db.execute(
        """
        CREATE VIEW site_summary AS
        SELECT s.domain AS site,
               (SELECT COUNT(*) FROM captures c WHERE c.site = s.domain) AS pages,
               (SELECT COUNT(*) FROM errors e WHERE e.site = s.domain) AS errors,
               (SELECT MAX(fetched_at) FROM captures c WHERE c.site = s.domain) AS last_capture,
               EXISTS(SELECT 1 FROM blocked_domains b WHERE b.site = s.domain) AS blocked,
               s.first_seen, s.last_seen
        FROM sites s
        """
    )
