"""The safety tests' one way to run the CLI: its own entry point in this process, output as a user reads it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kubectl_arch.cli.main import main


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], tuple[int, str]]:
    """Exit code and what the command printed (stdout and stderr together), plain and wide, with no
    kubeconfig from the environment."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("KUBECONFIG", raising=False)

    def invoke(args: list[str]) -> tuple[int, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(args)
        captured = capsys.readouterr()
        return int(exited.value.code or 0), captured.out + captured.err

    return invoke
