"""Signal frequencies in SQLite, so ``analyze`` is incremental across runs.

Implements :class:`similarity.weights.FrequencyStore` over the
``signal_frequency`` table; keys (ints for MinHash slots, strings for
identifiers) are stored as text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

import sqlite_utils

_CHUNK = 500


class SqliteFrequencyStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._cache: dict[str, int] = {}

    def get_many(self, keys: Sequence[Hashable]) -> list[int]:
        names = [str(key) for key in keys]
        missing = [name for name in dict.fromkeys(names) if name not in self._cache]
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            found = dict(self.db.execute(
                f"SELECT key, sites FROM signal_frequency WHERE key IN ({marks})", chunk
            ).fetchall())
            for name in chunk:
                self._cache[name] = found.get(name, 0)
        return [self._cache[name] for name in names]

    def add_many(self, keys: Iterable[Hashable], delta: int) -> None:
        counts = Counter(str(key) for key in keys)
        self.db.conn.executemany(
            "INSERT INTO signal_frequency (key, sites) VALUES (?, ?) ON CONFLICT(key) "
            "DO UPDATE SET sites = sites + excluded.sites",
            [(key, n * delta) for key, n in counts.items()],
        )
        if delta < 0:
            names = list(counts)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start:start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                self.db.execute(
                    f"DELETE FROM signal_frequency WHERE key IN ({marks}) AND sites <= 0", chunk)
        for key in counts:
            self._cache.pop(key, None)
