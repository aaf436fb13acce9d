"""Golden-output comparison: what users read is pinned in tests/golden/*.txt.

Run with UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        if not os.environ.get("UPDATE_GOLDEN") and os.environ.get("CI"):
            raise AssertionError(f"golden file {path} is missing; create it with UPDATE_GOLDEN=1 and commit it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        return
    expected = path.read_text()
    assert actual == expected, f"output differs from {path} (rerun with UPDATE_GOLDEN=1 if intended)\n" + _diff(
        expected, actual
    )


def _diff(expected: str, actual: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected", "actual"))
