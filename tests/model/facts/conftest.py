"""What the fact-base tests share: every bundled sample's commands run once in-process, as JSON."""

from __future__ import annotations

import functools
import json
from typing import Any

from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.errors import ArchError
from kubectl_arch.explain.command import COMPONENT_NAMES


@functools.cache
def command_json(sample: str, *args: str) -> tuple[int, Any]:
    """``kubectl arch ARGS --sample SAMPLE -o json`` run in-process: (exit code, parsed stdout)."""
    result = CliRunner().invoke(cli, [*args, "--sample", sample, "-o", "json"], env={"NO_COLOR": "1"})
    if isinstance(result.exception, ArchError):  # what main() turns into one line and its exit code
        return int(result.exception.code), None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.output) if result.output.strip() else None


def every_command(sample: str) -> dict[str, Any]:
    """The JSON of every command that embeds the fact base, by a readable name."""
    runs: dict[str, tuple[str, ...]] = {"explain": ("explain",), "what-if": ("explain", "--what-if"),
                                        "walkthrough": ("explain", "--walkthrough"), "audit": ("audit",)}
    runs |= {f"page {name}": ("explain", name) for name in COMPONENT_NAMES}
    out = {}
    for name, args in runs.items():
        code, document = command_json(sample, *args)
        assert code in (0, 1), f"{name} on {sample} exited {code}"
        out[name] = document
    return out
