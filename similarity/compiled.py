"""The optional compiled hot loops: ``similarity/_speedups.c``.

Built by ``pip install`` where a C compiler exists (``setup.py`` marks the
extension optional, so an install without one still succeeds).  Each
function in it has a Python twin next to its caller, which gives the same
result and is used when ``speedups`` is None: the module was not built, or
``MIRRORHUNT_NO_SPEEDUPS=1`` is set (to compare the two, or to rule the C
code out when something looks wrong).

What is compiled, and why (CPU per 100 KB page, one process):

* the DOM walk (:mod:`similarity.dom`): 2 ms of per-element Python → 0.3 ms;
* the long-tag search (:mod:`similarity.defuse`): 0.4 ms of regex → 0.05 ms;
* the guard trigram pass (:mod:`similarity.identifiers`): 0.25 → 0.17 ms;
* the MinHash digest (:mod:`similarity.minhash`): 85 → 15 µs a signal.
"""

from __future__ import annotations

import os
from types import ModuleType

DISABLE_ENV = "MIRRORHUNT_NO_SPEEDUPS"


def _switched_off() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() not in ("", "0")


def _load() -> ModuleType | None:
    if _switched_off():
        return None
    try:
        from . import _speedups
    except ImportError:  # pragma: no cover - exercised on machines without a compiler
        return None
    return _speedups


speedups = _load()
"""The compiled module, or None."""


def speed_note() -> str | None:
    """One line for a user whose analysis runs the Python versions, or None."""
    if speedups is not None:
        return None
    if _switched_off():
        return f"compiled speedups off ({DISABLE_ENV} is set): analysis runs at about half speed"
    return ("compiled speedups not built (no C compiler at install time?): analysis runs at "
            "about half speed; install gcc or clang and reinstall to build them")
