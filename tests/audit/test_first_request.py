"""A live audit's first request does not wait for the catalogue: the flags come from the checks' declarations
written out (tools/render_check_options.py) and the one cluster is opened before the checks are imported;
usage errors are still the ones reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig
from tools import render_check_options

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., CliResult]


def test_the_declared_options_are_the_catalogues() -> None:
    """A check that adds or changes an input without `python tools/render_check_options.py` fails here."""
    assert render_check_options.TARGET.read_text() == render_check_options.module_text(), (
        "kubectl_arch/audit/declared_options.py is stale: run `python tools/render_check_options.py`")


def _fresh_python(script: str, *args: str) -> dict[str, object]:
    """``script`` in a new interpreter (this one loaded the catalogue long ago); its last line is JSON."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_building_the_audit_command_imports_no_check() -> None:
    result = _fresh_python("""
        import json, sys
        from kubectl_arch.audit.command import audit
        print(json.dumps({"flags": "--etcd-endpoints" in {o for p in audit.params for o in p.opts},
                          "checks": sorted(m for m in sys.modules if m.startswith("kubectl_arch.checks."))}))
    """)
    assert result == {"flags": True, "checks": []}


def test_a_live_audits_first_request_goes_out_before_the_checks_load(kubeconfig_for: Callable[..., Path],
                                                                     tiny_server: ApiServer) -> None:
    result = _fresh_python("""
        import json, sys
        from kubectl_arch.collect.kube import KubeSource
        start, seen = KubeSource.start_probe, []
        def first_contact(self):  # the probe of /version: the run's first request
            seen.append(sorted(m for m in sys.modules if m.startswith("kubectl_arch.checks.")))
            return start(self)
        KubeSource.start_probe = first_contact
        from kubectl_arch.cli.main import main
        try:
            main(["audit", "--window", "0", "--check", "node-readiness", "--kubeconfig", sys.argv[1]])
        except SystemExit as exit:
            print(json.dumps({"checks at first contact": seen, "code": exit.code}))
    """, str(kubeconfig_for(tiny_server)))
    assert result == {"checks at first contact": [[]], "code": result["code"]}
    assert result["code"] in (0, 1)  # the audit ran to its verdict


@pytest.mark.parametrize(("args", "message"), [
    (["--check", "no-such-check"], "unknown check id(s): no-such-check"),
    (["--config", "/nonexistent/audit.yaml"], "cannot read config /nonexistent/audit.yaml"),
    (["--etcd-endpoints", "10.0.0.1:2379"], "--etcd-endpoints: '10.0.0.1:2379' is not a URL"),
    (["--window", "forever"], "--window: 'forever' is not a duration"),
])
@pytest.mark.parametrize("cluster", ["unreachable", "no such context"])
def test_a_usage_error_wins_over_a_cluster_that_cannot_be_opened(run_cli: Run, tmp_path: Path, args: list[str],
                                                                 message: str, cluster: str) -> None:
    """The cluster is opened first, but its failure waits: the user's mistake is what they read (exit 2)."""
    unreachable = write_kubeconfig(tmp_path / "config", kubeconfig_dict("https://127.0.0.1:1", None))
    context = ["--context", "nope"] if cluster == "no such context" else []
    code, _, err = run_cli(["audit", "--kubeconfig", str(unreachable), *context, *args])
    assert code == 2, err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_cluster_that_cannot_be_opened_alone_is_its_error(run_cli: Run, tmp_path: Path) -> None:
    unreachable = write_kubeconfig(tmp_path / "config", kubeconfig_dict("https://127.0.0.1:1", None))
    code, _, err = run_cli(["audit", "--window", "0", "--kubeconfig", str(unreachable)])
    assert code == 3 and "cannot reach the API server https://127.0.0.1:1" in err
    code, _, err = run_cli(["audit", "--window", "0", "--kubeconfig", str(unreachable), "--context", "nope"])
    assert code == 3 and "context 'nope' is not in" in err
