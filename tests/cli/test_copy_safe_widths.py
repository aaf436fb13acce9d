"""Copy-safe text at any width: every command, path and URL the tools print stays on one line at 80 and 120
columns (and narrower), and each command's terminal output is pinned by a golden file at 80 and 120."""

from __future__ import annotations

import json
import re

import pytest

from kubectl_arch.audit.registry import catalogue
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.pages import PAGES
from tests.cli.conftest import Arch
from tests.golden import assert_golden

WIDTHS = (80, 120)
GOLDEN_RUNS = {
    "explain": ["explain", "--sample", "kind-ha"],
    "explain-runtime": ["explain", "runtime", "--sample", "kind-ha"],
    "explain-dns": ["explain", "dns", "--sample", "kind-ha"],
    "audit": ["audit", "--sample", "kubeadm-degraded"],
    "trace": ["trace", "deployment/cart", "-n", "shop", "--sample", "kind-ha"],
    "samples": ["samples", "kubeadm-degraded"],
}
CODE_SPAN = re.compile(r"`([^`]+)`")


def lines_of(arch: Arch, args: list[str], width: int) -> list[str]:
    code, out, err = arch(args, env={"COLUMNS": str(width)})
    assert code in (0, 1), err
    return out.splitlines()


def assert_whole(text: str, lines: list[str]) -> None:
    assert any(text in line for line in lines), f"{text!r} is split across lines"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(GOLDEN_RUNS))
def test_terminal_output_at_width(arch: Arch, name: str, width: int) -> None:
    assert_golden(f"widths/{name}-{width}.txt", "\n".join(lines_of(arch, GOLDEN_RUNS[name], width)) + "\n")


@pytest.mark.parametrize("width", (60, *WIDTHS))
def test_explain_pages_never_split_a_command_or_link(arch: Arch, width: int) -> None:
    for page in PAGES:
        lines = lines_of(arch, ["explain", page.key, "--sample", "kind-ha"], width)
        for text in (*(line for command in page.commands for line in command.splitlines()), *page.docs):
            assert_whole(text, lines)


@pytest.mark.parametrize("width", (60, *WIDTHS))
def test_audit_never_splits_a_command_or_link(arch: Arch, width: int) -> None:
    checks = catalogue()
    for sample in sample_names():
        lines = lines_of(arch, ["audit", "--sample", sample, "-o", "wide"], width)
        document = json.loads("\n".join(lines_of(arch, ["audit", "--sample", sample, "-o", "json"], width)))
        # The why, fix and references printed are the detected distribution's, as the JSON gives them.
        printed = {f["check"]: f for f in document["findings"] if f["status"] in ("fail", "warn")}
        shown = {line.split()[1] for line in lines if line.strip().split()[:1] in (["FAIL"], ["WARN"])}
        for check_id in shown & set(checks):
            meta = checks[check_id].meta
            finding = printed.get(check_id, {"why": meta.why, "remediation": meta.fix, "references": meta.references})
            for span in CODE_SPAN.findall(f"{finding['why']} {finding['remediation']}"):
                assert_whole(span, lines)
            for reference in finding["references"]:
                assert_whole(reference, lines)


@pytest.mark.parametrize("width", (60, *WIDTHS))
def test_trace_never_splits_a_next_command(arch: Arch, width: int) -> None:
    for target in ("deployment/cart", "deployment/checkout", "deployment/payments"):
        wide = lines_of(arch, ["trace", target, "-n", "shop", "--sample", "kind-ha"], 400)
        commands = [line.strip() for line in wide if line.strip().startswith("kubectl ")]
        lines = lines_of(arch, ["trace", target, "-n", "shop", "--sample", "kind-ha"], width)
        for command in commands:
            assert_whole(command, lines)
