"""The golden helper fails on a missing file (it never writes its own expectation) unless asked to update."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import golden


def test_a_missing_golden_file_fails_and_is_not_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    with pytest.raises(AssertionError, match="is missing"):
        golden.assert_golden("new.txt", "output")
    assert not (tmp_path / "new.txt").exists()


def test_updating_writes_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    monkeypatch.setattr(golden, "GOLDEN_DIR", tmp_path)
    golden.assert_golden("new.txt", "output")
    assert (tmp_path / "new.txt").read_text() == "output"
    monkeypatch.delenv("UPDATE_GOLDEN")
    with pytest.raises(AssertionError, match="output differs"):
        golden.assert_golden("new.txt", "other output")
