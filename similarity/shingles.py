"""Shingles as 32-bit hashes, computed in bulk.

Tokens are hashed once each with MurmurHash3 (mmh3, C speed); k-grams are then
combined with numpy, so no k-gram string is ever built.  The resulting uint32
values are what MinHash sees: a datasketch ``MinHash(hashfunc=lambda v: v)``
fed the same values gives the same digest as :mod:`similarity.minhash`.
"""

from __future__ import annotations

import re
from itertools import repeat

import mmh3
import numpy as np

HASH_SEED = 0x6D68  # fixed: shingle hashes must be stable across runs and hosts
TEXT_K = 4
MAX_TEXT_CHARS = 200_000
MAX_TOKENS = 50_000

_EMPTY = np.zeros(0, dtype=np.uint32)
# Odd 64-bit multipliers, one per k-gram position (positions must not commute).
_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)
# Scripts written without spaces are cut into single characters; k-grams of
# characters then stand in for words (CJK, Thai, Lao, Khmer, Myanmar).
_CJK = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_HAS_CJK = re.compile(f"[{_CJK}]")


def hash_strings(items: list[str]) -> np.ndarray:
    """mmh3 (seeded, unsigned) of each string, as uint32."""
    if not items:
        return _EMPTY
    hashed = map(mmh3.hash, items, repeat(HASH_SEED), repeat(False))
    return np.fromiter(hashed, dtype=np.uint32, count=len(items))


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: ``np.unique`` without its hash table.

    numpy 2's ``unique`` hashes before it sorts; for the few thousand
    shingles of a page, sort-and-compare is 3-4x faster (30 µs against 110 µs
    for 2,000 values), and a page computes four of these.
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _fmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def kgram_hashes(token_hashes: np.ndarray, k: int) -> np.ndarray:
    """Distinct uint32 hashes of the k-grams of a token-hash sequence.

    A sequence shorter than k yields one shingle (the whole sequence), so a
    short page still has a signature.
    """
    n = len(token_hashes)
    if n == 0:
        return _EMPTY
    k = max(1, min(k, n, len(_MULT)))
    t = token_hashes.astype(np.uint64)
    m = n - k + 1
    acc = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            acc += t[j : j + m] * _MULT[j]
        mixed = _fmix64(acc)
    return distinct((mixed >> np.uint64(32)).astype(np.uint32))


def text_tokens(text: str) -> list[str]:
    """Case-folded word tokens; one token per character in unspaced scripts.

    Text without such scripts is split on white space (4x faster than the
    regex); punctuation then stays on its word, identically on both sides.
    """
    text = text[:MAX_TEXT_CHARS].casefold()
    if _HAS_CJK.search(text):
        return _TOKEN.findall(text)[:MAX_TOKENS]
    return text.split()[:MAX_TOKENS]


def text_shingles(text: str, k: int = TEXT_K) -> np.ndarray:
    """Hashes of word (or CJK character) k-grams of visible text."""
    return kgram_hashes(hash_strings(text_tokens(text)), k)


def set_hashes(items: list[str] | set[str] | frozenset[str]) -> np.ndarray:
    """Distinct hashes of a set of strings (links, labels)."""
    return distinct(hash_strings(list(set(items))))
