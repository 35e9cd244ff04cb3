"""Figures for docs/security.md, measured by the tests themselves (not estimates).

Tests add to ``security_figures`` (a session-wide dict); at the end of the run the figures are
written to ``test-results/security-figures.json``.
"""

import fcntl
import json
from pathlib import Path

import pytest

FIGURES = {}
OUTPUT = Path(__file__).resolve().parents[1] / "test-results" / "security-figures.json"


@pytest.fixture(scope="session")
def security_figures():
    return FIGURES


def pytest_sessionfinish(session, exitstatus):
    """Merge this process's figures into the file (several pytest-xdist workers may finish at once)."""
    if FIGURES:
        OUTPUT.parent.mkdir(exist_ok=True)
        with open(OUTPUT.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            previous = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
            OUTPUT.write_text(json.dumps({**previous, **FIGURES}, indent=2, sort_keys=True, ensure_ascii=False)
                              + "\n")
