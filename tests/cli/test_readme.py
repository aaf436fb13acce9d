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


def console_excerpts() -> list[tuple[str, list[list[str]]]]:
    """The README's ```console blocks of commands that read a sample: the command, and the lines shown, cut
    into runs where the block elides output with "..."."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        first, *shown = block.rstrip("\n").split("\n")
        command = first.removeprefix("$ ").split("  #")[0].strip()
        if not command.startswith("kubectl arch ") or not ("--sample" in command or command.endswith(" samples")):
            continue
        runs: list[list[str]] = [[]]
        for line in shown:
            if line == "...":
                runs.append([])
            else:
                runs[-1].append(line.rstrip())
        found.append((command, [run for run in runs if run]))
    return found


@pytest.mark.parametrize("command, runs", console_excerpts(), ids=[c for c, _ in console_excerpts()])
def test_console_excerpts_are_what_the_command_prints(arch: Arch, command: str, runs: list[list[str]]) -> None:
    """Each run of lines a README excerpt shows is printed, whole and in order, by the command as written
    (plain output at 100 columns, as piped). An excerpt left behind by a change to the output fails here."""
    _code, out, err = arch(shlex.split(command)[2:])
    printed = [line.rstrip() for line in out.splitlines()]
    start = 0
    for run in runs:
        at = next((i for i in range(start, len(printed) - len(run) + 1) if printed[i:i + len(run)] == run), None)
        assert at is not None, f"{command}: these lines are not printed as shown:\n" + "\n".join(run) + \
            f"\n--- printed:\n{out}{err}"
        start = at + len(run)


def test_the_exit_code_table_is_the_codes_the_cli_uses() -> None:
    """The README's table (every command) lists exactly the ExitCode values, so a code added or renumbered in
    kubectl_arch/errors.py cannot go undocumented."""
    from kubectl_arch.errors import ExitCode

    table = README.split("| code | meaning |", 1)[1].split("\n\n", 1)[0]
    documented = [int(row.split("|")[1]) for row in table.strip().splitlines()[1:]]
    assert documented == sorted(code.value for code in ExitCode)
