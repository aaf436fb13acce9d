"""Help at 80 and 120 columns breaks only between words: never at a hyphen inside a name, never inside a word,
and no line is wider than the terminal unless it is one word too long for any line."""

from __future__ import annotations

import itertools
import re

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli

COMMANDS = [[], ["explain"], ["audit"], ["audit", "explain"], ["trace"], ["snapshot"], ["samples"], ["rbac"],
            ["lab"], ["lab", "up"], ["lab", "status"], ["lab", "down"], ["version"], ["completion"]]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kubectl-arch")
def test_help_wraps_between_words(command: list[str], width: int) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"], env={"COLUMNS": str(width)}, terminal_width=width)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for line in lines:
        assert len(line) <= width or len(line.split()) == 1 or len(line.split()[-1]) > width // 2, line
    for first, second in itertools.pairwise(lines):
        broken = re.search(r"[A-Za-z0-9]-$", first) and re.match(r"\s*[A-Za-z]", second)
        assert not broken, f"a word is broken at its hyphen:\n{first}\n{second}"
