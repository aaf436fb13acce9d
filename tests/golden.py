"""Golden-output comparison: what users read is pinned in tests/golden/*.txt.

After an intended change, rewrite the files with ``pytest --update-goldens`` (or UPDATE_GOLDEN=1), then
review the diff. A missing golden file fails like a differing one: a test that writes its own expectation
and passes proves nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_OPTION = "--update-goldens"


def updating() -> bool:
    """True when this run rewrites golden files (``--update-goldens`` sets UPDATE_GOLDEN for the run)."""
    return bool(os.environ.get("UPDATE_GOLDEN"))


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        return
    if not path.exists():
        raise AssertionError(f"golden file {path} is missing: write it with `pytest {UPDATE_OPTION}`, "
                             "read it, and commit it")
    expected = path.read_text()
    assert actual == expected, f"output differs from {path} (rerun with {UPDATE_OPTION} if intended)\n" + _diff(
        expected, actual
    )


def _diff(expected: str, actual: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected", "actual"))
