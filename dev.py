#!/usr/bin/env python3
"""Set up and run mirrorhunt's everyday tasks with nothing but Python 3.11+.

    python3 dev.py demo    # create .venv if needed, install, run the demo end to end
    python3 dev.py test    # create .venv if needed, install, run the test suite
    python3 dev.py lint    # ruff
    python3 dev.py bench   # the benchmarks in bench/

The virtual environment is (re)installed when pyproject.toml, setup.py or the C
source of the optional compiled module (similarity/_speedups.c) changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".mirrorhunt-installed"
NO_TESTS_COLLECTED = 5


INSTALL_INPUTS = ("pyproject.toml", "setup.py", "similarity/_speedups.c")
"""Files whose change needs a reinstall: dependencies, and the compiled module's source."""


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create the venv and install the project (with test extras) when needed."""
    if STAMP.exists() and STAMP.read_text() == _requirements_digest():
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit("mirrorhunt needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    print("installing mirrorhunt and its dependencies", flush=True)
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True, cwd=ROOT)
    STAMP.write_text(_requirements_digest())


def run(*args: str) -> int:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT).returncode


def task_demo(extra: list[str]) -> int:
    return run("mirrorhunt", "demo", *extra)


def task_test(extra: list[str]) -> int:
    code = run("python", "-m", "pytest", *extra)
    if code == NO_TESTS_COLLECTED:
        print("error: pytest collected no tests", file=sys.stderr)
        return 1
    return code


def task_lint(extra: list[str]) -> int:
    return run("ruff", "check", ".", *extra)


def task_bench(extra: list[str]) -> int:
    code = 0
    for script in sorted((ROOT / "bench").glob("*.py")):
        print(f"== {script.name}", flush=True)
        code |= run("python", str(script), *extra)
    return code


TASKS = {"demo": task_demo, "test": task_test, "lint": task_lint, "bench": task_bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ensure_venv()
    return TASKS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
