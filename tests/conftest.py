"""Project-wide fixtures: a real HTTPS test API server, kubeconfigs for it, and the real CLI in a subprocess.

    def test_something(api_server, kubeconfig_for, run_cli):
        server = api_server("kind-ha")            # or an ApiStore, a snapshot file, a SnapshotSource
        kubeconfig = kubeconfig_for(server)       # token user, context "test"
        result = run_cli(["explain", "--kubeconfig", str(kubeconfig)])
        assert result.code == 0, result.stderr
        assert all(r.method == "GET" for r in server.requests)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.golden import UPDATE_OPTION

if TYPE_CHECKING:  # imported where used: xdist's controller loads this file too, and runs no test
    from kubectl_arch.collect.kube import KubeSource
    from tests.harness.apiserver import ApiServer, Backend

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(UPDATE_OPTION, action="store_true",
                     help="rewrite tests/golden files from this run's output (then read the diff before committing)")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption(UPDATE_OPTION):
        os.environ["UPDATE_GOLDEN"] = "1"
    if _hands_out_tests_only(config):
        return  # each xdist worker loads this file and the profile itself; importing hypothesis costs ~1 s
    # Property tests judge what the code does, not how fast a shared CI machine runs it: no per-example
    # deadline (a loaded machine turned one slow example into a failure). Examples stay random, so a run
    # can still find a new counterexample; hypothesis prints how to reproduce it.
    from hypothesis import settings

    settings.register_profile("kubectl-arch", deadline=None, print_blob=True)
    settings.load_profile("kubectl-arch")


def _hands_out_tests_only(config: pytest.Config) -> bool:
    """Whether this process is xdist's controller: it sends tests to workers and runs none itself."""
    distributing = config.getoption("dist", "no") != "no" and bool(config.getoption("tx", None))
    return distributing and not hasattr(config, "workerinput") and not config.getoption("collectonly")


VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "kubectl-arch") if (VENV_BIN / "kubectl-arch").exists() else shutil.which("kubectl-arch") or ""
# Variables that would make a subprocess read a cluster other than the one a test chose.
ISOLATED_VARIABLES = ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBECTL_ARCH_DEBUG",
                      "FORCE_COLOR", "CLICOLOR_FORCE")
ONE_SCRAPE_ENV = {"KUBECTL_ARCH_WINDOW": "0"}  # audit --window 0: see one_scrape_by_default


@dataclass(frozen=True)
class CliResult:
    """What a run of the real ``kubectl-arch`` gave; unpacks as ``code, stdout, stderr``."""

    code: int
    stdout: str
    stderr: str

    def __iter__(self) -> Iterator[Any]:
        return iter((self.code, self.stdout, self.stderr))


def cli_environment(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a CLI run: plain output at 100 columns, no cluster unless the test gives one, and
    one scrape of each metrics source (see ``one_scrape_by_default``)."""
    env = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    env.update({"NO_COLOR": "1", "COLUMNS": "100", "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1",
                "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", **ONE_SCRAPE_ENV})
    env.update(extra or {})
    return env


def command_probe(argv: list[str], report: str, *, entry: str = "kubectl_arch.cli.main", setup: str = "") -> str:
    """A script for ``probe_report``: ``setup``, then the CLI's ``main`` (from ``entry``) run on ``argv``, its exit
    code in ``code``, then the Python expression ``report`` printed as JSON on stderr."""
    return ("import gc, json, sys\n"
            f"from {entry} import main\n"
            f"sys.argv = ['kubectl-arch', *{argv!r}]\n"
            f"{setup}"
            "code = 0\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
            f"print(json.dumps({report}), file=sys.stderr)\n")


def probe_report(script: str, home: Path) -> Any:
    """Run ``script`` in a fresh interpreter with a CLI run's environment, and return the JSON it printed last on
    stderr: what a command imports or leaves switched on is a property of a whole process, so such tests spawn one."""
    import json

    done = subprocess.run([sys.executable, "-c", script], env=cli_environment(home), capture_output=True, text=True,
                          timeout=60, check=False)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def one_scrape_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads each metrics source once (``--window 0``) unless it passes ``--window`` itself: the
    default window would make each live audit wait 10 s between its two scrapes, in-process, in a
    subprocess or through kubectl alike. Tests of the window pass a short one (about a second)."""
    for name, value in ONE_SCRAPE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty HOME, so no test reads the developer's ~/.kube/config by accident."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture
def run_cli(cli_home: Path) -> Callable[..., CliResult]:
    """Run ``kubectl-arch ARGS`` in this process through the real entry point ``main`` and return
    (code, stdout, stderr): the same parsing, error lines and exit codes as the console script, without
    a Python start-up per case. Use ``run_console_script`` where the process itself is under test
    (imports at start-up, signals, plugin discovery)."""

    def run(args: Sequence[str], env: Mapping[str, str] | None = None, input: str | None = None,
            timeout: float = 120, cwd: str | Path | None = None) -> CliResult:
        return invoke_in_process(args, cli_home, env=env, input=input, cwd=cwd)

    return run


@pytest.fixture
def run_console_script(cli_home: Path) -> Callable[..., CliResult]:
    """Run the installed console script ``kubectl-arch ARGS`` in a subprocess and return (code, stdout, stderr)."""

    def run(args: Sequence[str], env: Mapping[str, str] | None = None, input: str | None = None,
            timeout: float = 120, cwd: str | Path | None = None) -> CliResult:
        if not CLI:
            pytest.fail("the kubectl-arch console script is not installed: run `pip install -e .`")
        done = subprocess.run([CLI, *args], env=cli_environment(cli_home, env), input=input, capture_output=True,
                              text=True, timeout=timeout, cwd=cwd, check=False)
        return CliResult(done.returncode, done.stdout, done.stderr)

    return run


def invoke_in_process(args: Sequence[str], home: Path, env: Mapping[str, str] | None = None,
                      input: str | None = None, cwd: str | Path | None = None) -> CliResult:
    """``main(args)`` with the console script's environment (see ``cli_environment``), stdin, argv[0] and cwd."""
    from click.testing import CliRunner

    from kubectl_arch.cli import options
    from kubectl_arch.cli.main import main

    options._insecure_warned = False  # once per run, and a process is one run: each call here is a new one
    wanted = cli_environment(home, env)
    changes: dict[str, str | None] = {k: None for k in os.environ if k not in wanted}
    changes.update({k: v for k, v in wanted.items() if os.environ.get(k) != v})
    previous_argv, previous_cwd = sys.argv, os.getcwd()
    with CliRunner().isolation(input=input, env=changes) as (stdout, stderr, _):
        sys.argv = [CLI or "kubectl-arch", *args]
        code: int | str | None = 0
        try:
            if cwd is not None:
                os.chdir(cwd)
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.argv = previous_argv
            os.chdir(previous_cwd)
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode()
    return CliResult(code if isinstance(code, int) else (0 if code is None else 1), out, err)


def backend_for(what: str | Path | dict[str, Any] | Backend) -> tuple[Backend, Any]:
    """The backend and capture time of a bundled sample name, a snapshot file or document, or a backend
    as given (its time from ``now()`` when it has one)."""
    from kubectl_arch.collect.snapshot import SnapshotSource

    if isinstance(what, str):
        from kubectl_arch.collect.sample_source import load_sample

        sample = load_sample(what)
        return sample.store, sample.captured_at
    if isinstance(what, Path):
        what = SnapshotSource.load(what)
    elif isinstance(what, dict):
        what = SnapshotSource(what)
    now = getattr(what, "now", None)
    return what, now() if callable(now) else None


@pytest.fixture
def api_server() -> Iterator[Callable[..., ApiServer]]:
    """Factory: ``api_server("kind-ha")`` (or an ApiStore, a snapshot Path or document, a SnapshotSource)
    starts an HTTPS server on 127.0.0.1 whose Date header is the data's capture time; keyword arguments go
    to ``ApiServer`` (tokens=, client_ca=, authorizer=, now=)."""
    from kubectl_arch.collect.apistore import ApiStore
    from tests.harness.apiserver import ApiServer

    started: list[ApiServer] = []

    def start(what: str | Path | dict[str, Any] | Backend | None = None, **kwargs: Any) -> ApiServer:
        backend, captured_at = backend_for(what if what is not None else ApiStore())
        kwargs.setdefault("now", captured_at)
        server = ApiServer(backend, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def kubeconfig_for(tmp_path: Path) -> Callable[..., Path]:
    """Factory: ``kubeconfig_for(server, token=..., client_cert=..., namespace=...)`` writes a kubeconfig."""
    from tests.harness.kubeconfig import kubeconfig_for_server

    count = 0

    def write(server: ApiServer, **kwargs: Any) -> Path:
        nonlocal count
        count += 1
        return kubeconfig_for_server(server, tmp_path / f"kubeconfig-{count}.yaml", **kwargs)

    return write


@pytest.fixture
def tiny_server(api_server: Callable[..., ApiServer]) -> ApiServer:
    """The tiny cluster (7 nodes, 3 pods, 2 Secrets) served over HTTPS, Date pinned to its capture time."""
    from tests.harness.tiny import CAPTURED_AT, tiny_store

    return api_server(tiny_store(), now=CAPTURED_AT)


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff sleeps a KubeSource asked for, recorded instead of slept."""
    return []


@pytest.fixture
def kube_source(kubeconfig_for: Callable[..., Path], sleeps: list[float]) -> Callable[..., KubeSource]:
    """Factory: a real KubeSource reading ``server`` through a kubeconfig; sleeps go to ``sleeps``."""
    from kubectl_arch.collect.kube import KubeSource

    def make(server: ApiServer, request_timeout: float = 5.0, **kubeconfig: Any) -> KubeSource:
        path = kubeconfig_for(server, **kubeconfig)
        return KubeSource(str(path), None, request_timeout, sleep=sleeps.append)

    return make
