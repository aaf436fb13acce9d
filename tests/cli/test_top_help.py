"""The console script answers `kubectl arch --help` from pre-rendered text without importing click; that text
is click's own rendering, kept current, and every other call still reaches click."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kubectl_arch.cli import entry, top_help_text
from tools import render_top_help

ROOT = Path(__file__).resolve().parents[2]


def test_the_pre_rendered_help_is_current() -> None:
    """Changing the top-level help without `python tools/render_top_help.py` fails here."""
    assert render_top_help.TARGET.read_text() == render_top_help.module_text(), (
        "kubectl_arch/cli/top_help_text.py is stale: run `python tools/render_top_help.py`")


@pytest.mark.parametrize("columns", [80, top_help_text.WIDE_FROM, top_help_text.WIDE_FROM + 1, 200])
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_fast_help_is_what_click_prints(columns: int, flag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/kubectl-arch", flag])
    assert entry.prerendered_help([flag]) == render_top_help.rendered(columns)


@pytest.mark.parametrize(("argv", "columns", "why"), [
    (["kubectl-arch", "--help"], 95, "a width with no pre-rendered text"),
    (["kubectl-arch", "explain", "--help"], 80, "a command's own help"),
    (["kubectl-arch", "--help", "-v"], 80, "more than the help flag"),
    (["arch-dev", "--help"], 80, "another program name"),
])
def test_other_calls_go_to_click(argv: list[str], columns: int, why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys, "argv", argv)
    assert entry.prerendered_help(argv[1:]) is None, why


def test_completion_requests_go_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(entry.COMPLETE_VAR, "bash_complete")
    monkeypatch.setattr(sys, "argv", ["kubectl-arch", "--help"])
    assert entry.prerendered_help(["--help"]) is None


def _modules_after(argv: list[str], columns: int) -> tuple[str, set[str]]:
    probe = (f"import sys\nsys.argv = {argv!r}\nfrom kubectl_arch.cli.entry import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('\\x00' + ' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": str(columns), "HOME": str(ROOT)})
    text, _, modules = done.stdout.rpartition("\x00")
    return text, set(modules.split())


def test_the_help_imports_neither_click_nor_the_client() -> None:
    text, modules = _modules_after(["/opt/bin/kubectl-arch", "--help"], 80)
    assert text == top_help_text.TEXT_BY_COLUMNS[80]
    assert not {"click", "rich", "kubernetes"} & {name.split(".")[0] for name in modules}


def test_a_width_without_text_is_still_answered_by_click() -> None:
    text, modules = _modules_after(["/opt/bin/kubectl-arch", "--help"], 95)
    assert text == render_top_help.rendered(95) and "click" in modules
