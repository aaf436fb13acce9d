"""`kubectl-arch explain` through the installed entry point: offline on samples, and live over real HTTPS."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.document import cluster_map_data
from tests.conftest import command_probe, probe_report
from tests.explain.fixtures import sample_data
from tests.golden import assert_golden

Run = Callable[..., Any]


def test_json_through_the_entry_point_matches_the_analysis(run_cli: Run) -> None:
    code, out, err = run_cli(["explain", "--sample", "kind-ha", "-o", "json"])
    assert code == 0, err
    expected = json.loads(json.dumps(cluster_map_data(build_map(sample_data("kind-ha", whole_nodes=True)))))
    assert json.loads(out) == expected


def test_terminal_view_golden(run_cli: Run) -> None:
    code, out, err = run_cli(["explain", "--sample", "kind-ha"])
    assert code == 0, err
    assert "\x1b[" not in out  # plain when not a terminal
    assert_golden("explain-kind-ha.txt", out)


def test_yaml_wide_and_component_pages(run_cli: Run) -> None:
    code, out, _ = run_cli(["explain", "--sample", "kind-ha", "-o", "yaml"])
    assert code == 0 and yaml.safe_load(out)["cluster"]["distribution"] == "kind"
    code, out, _ = run_cli(["explain", "--sample", "kind-ha", "-o", "wide"])
    assert code == 0 and "--authorization-mode=" in out and "Node details" in out
    code, out, err = run_cli(["explain", "kube-apiserver", "--sample", "kind-ha"])
    assert code == 0 and "When it fails" in out and "--authorization-mode" in out, err
    code, out, _ = run_cli(["explain", "etcd", "--sample", "kind-ha", "-o", "json"])
    page = json.loads(out)
    assert code == 0 and page["name"] == "etcd" and page["replicas"] == 3


def test_every_component_page_renders_on_the_sample() -> None:
    import io

    from kubectl_arch.explain.command import COMPONENT_NAMES
    from kubectl_arch.explain.pages import find_page
    from kubectl_arch.explain.render.page import print_page
    from kubectl_arch.output.console import make_console

    cluster = build_map(sample_data("kind-ha"))
    for name in COMPONENT_NAMES:
        page = find_page(name)
        assert page is not None
        stream = io.StringIO()
        print_page(make_console(stream, width=100), page, cluster)
        assert "When it fails" in stream.getvalue() and page.docs[0] in stream.getvalue(), name


def test_walkthrough_and_what_if_print_everything_when_piped(run_cli: Run) -> None:
    code, out, _ = run_cli(["explain", "--sample", "kind-ha", "--walkthrough"], input="")
    assert code == 0 and out.count("Step ") == 13 and "[Enter]" not in out
    code, out, _ = run_cli(["explain", "--sample", "kind-ha", "--what-if", "--lose", "2", "-o", "json"])
    assert code == 0
    first = json.loads(out)["scenarios"][0]
    assert (first["title"], first["survives"]) == ("lose 2 etcd members", False)


@pytest.mark.parametrize(("args", "message"), [
    (["explain", "flux-capacitor", "--sample", "kind-ha"], "unknown component 'flux-capacitor'"),
    (["explain", "--sample", "kind-ha", "--lose", "1"], "--lose only applies with --what-if"),
    (["explain", "etcd", "--what-if", "--sample", "kind-ha"], "choose one of"),
    (["explain", "--sample", "no-such-sample"], "no sample named"),
])
def test_bad_input_is_one_line_and_exit_code_2(run_cli: Run, args: list[str], message: str) -> None:
    code, _, err = run_cli(args)
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_live_through_the_test_api_server_gives_the_same_json_as_offline(
        run_cli: Run, api_server: Callable[..., Any], kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server("kind-ha")
    code, out, err = run_cli(["explain", "--kubeconfig", str(kubeconfig_for(server)), "-o", "json"])
    assert code == 0, err
    live = json.loads(out)
    offline = json.loads(json.dumps(cluster_map_data(build_map(sample_data("kind-ha", whole_nodes=True)))))  # the CLI's
    for document in (live, offline):  # where the data came from differs by design
        document["cluster"].pop("server")
        document["cluster"].pop("source")
    assert live == offline
    assert server.requests and all(request.method == "GET" for request in server.requests)
    assert not any("/pods" in r.path and "/namespaces/kube-system/" not in r.path for r in server.requests)


def test_snapshot_replays_to_the_same_map(run_cli: Run, tmp_path: Path) -> None:
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.collect.sample_source import SampleSource
    from kubectl_arch.collect.snapshot import RecordingSource
    from kubectl_arch.explain import EXPLAIN_NEEDS

    recorder = RecordingSource(SampleSource.named("kind-ha"))
    collect(recorder, EXPLAIN_NEEDS)
    snapshot = tmp_path / "kind-ha.json.gz"
    recorder.save(snapshot)
    code, out, err = run_cli(["explain", "--snapshot", str(snapshot), "-o", "json"])
    assert code == 0, err
    replayed = json.loads(out)
    offline = json.loads(json.dumps(cluster_map_data(build_map(sample_data("kind-ha")))))  # as recorded: rows
    for document in (replayed, offline):
        document["cluster"].pop("source")
    assert replayed == offline


def test_the_overview_imports_no_other_views_code(cli_home: Path) -> None:
    """The overview (what a bare `explain` shows) loads neither the walkthrough, the what-if nor a component page:
    they are start-up cost only the views that show them pay."""
    probe = command_probe(["explain", "--sample", "kind-ha"],
                          "{'code': code, 'others': sorted(m for m in sys.modules if m in ("
                          "'kubectl_arch.explain.walkthrough', 'kubectl_arch.explain.what_if', "
                          "'kubectl_arch.explain.render.page', 'kubectl_arch.explain.render.story'))}")
    assert probe_report(probe, cli_home) == {"code": 0, "others": []}


def test_o_text_is_the_default_view_as_in_audit_and_trace(run_cli: Callable[..., Any]) -> None:
    """A script passing `-o text` to every command was refused by explain alone."""
    plain = run_cli(["explain", "--sample", "kind-ha"])
    text = run_cli(["explain", "--sample", "kind-ha", "-o", "text"])
    assert text.code == plain.code == 0 and text.stdout == plain.stdout
    assert "[text|wide|json" in run_cli(["explain", "--help"]).stdout.replace("\n", "")
