"""In-process runs of the real command line (``kubectl_arch.cli.main.main``: exit codes and one-line errors
included), with an isolated environment: no kubeconfig unless the test gives one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from kubectl_arch.cli import options
from kubectl_arch.cli.main import main
from tests.conftest import ISOLATED_VARIABLES, CliResult

Arch = Callable[..., CliResult]


@pytest.fixture
def arch(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Arch:
    """``arch(["explain", ...], env={...})`` runs kubectl-arch in this process and returns (code, stdout, stderr)."""
    home = tmp_path / "home"
    home.mkdir()

    def run(args: Sequence[str], env: Mapping[str, str] | None = None) -> CliResult:
        with monkeypatch.context() as patch:
            for name in ISOLATED_VARIABLES:
                patch.delenv(name, raising=False)
            for name, value in {"HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}.items():
                patch.setenv(name, value)
            patch.setattr(options, "_insecure_warned", False)
            capsys.readouterr()
            with pytest.raises(SystemExit) as exit_info:
                main(list(args))
            out, err = capsys.readouterr()
        return CliResult(int(exit_info.value.code or 0), out, err)

    return run
