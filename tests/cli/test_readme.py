"""The README's flag table names real flags, and its examples that need no cluster run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from kubectl_arch.cli.main import cli
from tests.cli.conftest import Arch

README = (Path(__file__).parents[2] / "README.md").read_text()


def flag_table_flags() -> list[str]:
    section = README.split("| flag | what it does (as in kubectl) |", 1)[1].split("\n\n", 1)[0]
    first_cells = [row.split("|")[1] for row in section.splitlines()[2:]]
    return [flag for cell in first_cells for flag in re.findall(r"`(-[-\w]+)", cell)] + \
        [f for cell in first_cells for f in re.findall(r", (--[\w-]+)", cell)]


def offline_examples() -> list[str]:
    """`kubectl arch ...` lines of the README's sh blocks that read a bundled sample (no cluster needed)."""
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith("kubectl arch ") and "|" not in line
            and ("--sample" in line or line.startswith("kubectl arch samples"))]


def test_the_flag_table_lists_flags_the_commands_have() -> None:
    ctx = click.Context(cli)
    flags = flag_table_flags()
    assert len(flags) >= 18
    for name in ("audit", "trace", "snapshot"):
        have = {opt for p in cli.get_command(ctx, name).params for opt in p.opts}  # type: ignore[union-attr]
        assert set(flags) <= have, (name, set(flags) - have)


@pytest.mark.parametrize("example", offline_examples())
def test_offline_examples_run_as_written(arch: Arch, example: str) -> None:
    code, out, err = arch(shlex.split(example)[2:])
    assert code in (0, 1), f"{example}\n{err}"
    assert out and "error" not in err
