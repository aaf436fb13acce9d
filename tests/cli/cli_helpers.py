"""What the CLI tests share: which commands exist yet, and the one-line-error assertion."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliResult

# Arguments that make each cluster-reading command read the cluster (FILE is replaced per test).
LIVE_ARGUMENTS: dict[str, list[str]] = {
    "snapshot": ["snapshot", "-o", "FILE"],
    "explain": ["explain"],
    "audit": ["audit"],
    "trace": ["trace", "pod", "web-0"],
}


def live_commands() -> list[str]:
    return list(LIVE_ARGUMENTS)


def live_args(name: str, tmp_path: Path) -> list[str]:
    return [str(tmp_path / "out.json.gz") if arg == "FILE" else arg for arg in LIVE_ARGUMENTS[name]]


def assert_one_line_error(result: CliResult, code: int, *words: str) -> str:
    """The run failed with ``code`` and exactly one line on stderr, containing ``words``; returns it."""
    assert result.code == code, f"exit {result.code}, expected {code}; stderr:\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("error: "), line
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    return line
