"""Snapshots: recorded from a live API server over HTTPS, replayed offline identically, and never holding
secret data, tokens or private keys."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import NEEDS, collect
from kubectl_arch.collect.snapshot import SNAPSHOT_KIND, RecordingSource, SnapshotSource
from kubectl_arch.errors import ExitCode
from tests.cli.cli_helpers import assert_one_line_error
from tests.conftest import CliResult
from tests.harness.apiserver import DEFAULT_TOKEN, ApiServer
from tests.harness.tiny import ENV_SECRET, SECRET_VALUE

RunCli = Callable[..., CliResult]
SECRETS_PATH = "/api/v1/namespaces/default/secrets"


def recorded(source: KubeSource, tmp_path: Path) -> Path:
    """Read the tiny cluster's secrets, a secret, pods and a watch through a RecordingSource and save it."""
    recording = RecordingSource(source)
    recording.get(SECRETS_PATH)
    recording.get(f"{SECRETS_PATH}/db")
    recording.get("/api/v1/namespaces/default/pods", {"limit": "500"})
    recording.get("/api/v1/namespaces/default/configmaps/missing")
    recording.get("/apis/apps/v1/namespaces/default/deployments")
    recording.get("/apis/batch/v1/namespaces/default/cronjobs/backup")
    recording.get("/api/v1/namespaces/prod/secrets")
    list(recording.watch(SECRETS_PATH, {"fieldSelector": "metadata.name=db"}, 5))
    path = tmp_path / "snapshot.json.gz"
    recording.save(path)
    return path


def test_replay_answers_exactly_what_the_live_server_did(tiny_server: ApiServer,
                                                        kube_source: Callable[..., KubeSource],
                                                        tmp_path: Path) -> None:
    live = kube_source(tiny_server)
    recording = RecordingSource(live)
    names = [n for n in NEEDS if not NEEDS[n].after]  # every need that depends on no other
    live_data = collect(recording, names)
    path = tmp_path / "snapshot.json.gz"
    recording.save(path)
    requests_while_live = len(tiny_server.requests)

    replayed = collect(SnapshotSource.load(path), names)

    assert len(tiny_server.requests) == requests_while_live, "replay must not touch the network"
    assert replayed.now == live_data.now
    for name in names:
        live_response, replay_response = live_data[name], replayed[name]
        assert (replay_response.status, replay_response.data, replay_response.text, replay_response.ok) == (
            live_response.status, live_response.data, live_response.text, live_response.ok), name


def test_secret_data_and_env_values_never_reach_the_file(tiny_server: ApiServer,
                                                         kube_source: Callable[..., KubeSource],
                                                         tmp_path: Path) -> None:
    tiny_server.script_watch(SECRETS_PATH, [{"type": "ADDED", "object": {
        "kind": "Secret", "metadata": {"name": "db", "namespace": "default"}, "data": {"password": SECRET_VALUE}}}])
    path = recorded(kube_source(tiny_server), tmp_path)
    raw = gzip.decompress(path.read_bytes())

    for forbidden in (SECRET_VALUE, "also-secret", ENV_SECRET, DEFAULT_TOKEN, "PRIVATE KEY"):
        assert forbidden.encode() not in raw, f"{forbidden!r} was written to the snapshot"
    replay = SnapshotSource.load(path)
    secrets = {s["metadata"]["name"]: s for s in replay.get(SECRETS_PATH).items}
    assert secrets["db"]["data"] == {} and "stringData" not in secrets["db"]
    assert secrets["web-tls"]["data"] == {"tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"}, "public tls.crt is kept"
    assert replay.get(f"{SECRETS_PATH}/db").data["data"] == {}
    pods = replay.get("/api/v1/namespaces/default/pods", {"limit": "500"}).items
    assert pods[0]["spec"]["containers"][0]["env"] == [{"name": "DB_PASSWORD", "value": "<redacted>"}]
    (deployment,) = replay.get("/apis/apps/v1/namespaces/default/deployments").items
    assert deployment["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == "<redacted>"
    cronjob = replay.get("/apis/batch/v1/namespaces/default/cronjobs/backup").data
    assert "last-applied" not in json.dumps(cronjob["metadata"])
    assert replay.get("/api/v1/namespaces/prod/secrets").items[0]["data"] == {}, "list items carry no kind"
    (event,) = list(replay.watch(SECRETS_PATH, {"fieldSelector": "metadata.name=db"}))
    assert event["object"]["data"] == {}


def test_errors_are_recorded_as_data(tiny_server: ApiServer, kube_source: Callable[..., KubeSource],
                                     tmp_path: Path) -> None:
    path = recorded(kube_source(tiny_server), tmp_path)
    missing = SnapshotSource.load(path).get("/api/v1/namespaces/default/configmaps/missing")
    assert missing.status == 404 and missing.skip_reason("the missing ConfigMap").endswith("(HTTP 404)")
    never = SnapshotSource.load(path).get("/api/v1/nodes")
    assert not never.ok and never.error == "not recorded in the snapshot"


def test_snapshot_command_records_live_and_never_stores_the_token(run_cli: RunCli, tiny_server: ApiServer,
                                                                 kubeconfig_for: Callable[..., Path],
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "cluster.json.gz"
    result = run_cli(["snapshot", "-o", str(out), "--kubeconfig", str(kubeconfig_for(tiny_server))])

    assert result.code == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    raw = gzip.decompress(out.read_bytes())
    document = json.loads(raw)
    assert document["kind"] == SNAPSHOT_KIND
    assert document["credentials"]["auth"] == "token"
    assert document["responses"]["/version"]["data"]["gitVersion"] == "v1.32.4"
    assert DEFAULT_TOKEN.encode() not in raw and b"PRIVATE KEY" not in raw
    assert document["capturedAt"].startswith("2026-11-20T09:30:0"), "capture time is the server's clock"
    assert {r.method for r in tiny_server.requests} == {"GET"}


@pytest.mark.parametrize("content, words", [
    (b"not gzip at all", ("could not be read", "Not a gzipped file")),
    (gzip.compress(b"{not json"), ("could not be read",)),
    (gzip.compress(json.dumps({"kind": "Pod"}).encode()), ("is not a kubectl-arch snapshot",)),
    (gzip.compress(json.dumps({"kind": SNAPSHOT_KIND, "version": 99}).encode()), ("has version 99",)),
    (gzip.compress(json.dumps({"kind": SNAPSHOT_KIND, "version": 1, "capturedAt": "yesterday"}).encode()),
     ("bad capturedAt",)),
], ids=["not-gzip", "not-json", "wrong-kind", "wrong-version", "bad-time"])
def test_malformed_snapshot_is_a_usage_error(run_cli: RunCli, tmp_path: Path, content: bytes,
                                             words: tuple[str, ...]) -> None:
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(content)
    result = run_cli(["snapshot", "-o", str(tmp_path / "out.gz"), "--snapshot", str(bad)])
    assert_one_line_error(result, ExitCode.USAGE, *words)


def test_an_output_file_that_cannot_be_written_is_refused_before_reading(
        run_cli: RunCli, tiny_server: ApiServer, kubeconfig_for: Callable[..., Path], tmp_path: Path) -> None:
    """It was exit 70 ("unexpected FileNotFoundError"), after the whole cluster had been read."""
    result = run_cli(["snapshot", "-o", str(tmp_path / "no-such-dir" / "s.json.gz"),
                      "--kubeconfig", str(kubeconfig_for(tiny_server))])
    assert_one_line_error(result, ExitCode.USAGE, "cannot write", "no-such-dir")
    assert tiny_server.requests == []


def test_missing_snapshot_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(["snapshot", "-o", str(tmp_path / "out.gz"), "--snapshot", str(tmp_path / "gone.json.gz")])
    assert_one_line_error(result, ExitCode.USAGE, "does not exist")


# Commands whose output must be the same live and replayed (-o json: what scripts compare).
REPLAYED = ["explain", "audit", "trace"]
REPLAY_SAMPLE = "kind-ha"


@pytest.mark.parametrize("command", REPLAYED)
def test_live_and_replayed_outputs_are_identical(run_cli: RunCli, api_server: Callable[..., ApiServer],
                                                 kubeconfig_for: Callable[..., Path], tmp_path: Path,
                                                 command: str) -> None:
    server = api_server(REPLAY_SAMPLE)
    assert isinstance(server.backend, ApiStore)
    pod = next(p["metadata"]["name"] for p in server.backend.objects("Pod") if p["metadata"]["namespace"] == "shop")
    args = {"trace": ["trace", "pod", pod, "-n", "shop"]}.get(command, [command])
    kubeconfig = str(kubeconfig_for(server))
    snapshot_file = tmp_path / "snap.json.gz"
    recorded_run = run_cli(["snapshot", "-o", str(snapshot_file), "--trace", f"shop/{pod}", "--kubeconfig", kubeconfig])
    assert recorded_run.code == 0, recorded_run.stderr

    live = run_cli([*args, "-o", "json", "--kubeconfig", kubeconfig])
    replayed = run_cli([*args, "-o", "json", "--snapshot", str(snapshot_file)])

    assert live.code in (ExitCode.OK, ExitCode.FINDINGS), live.stderr
    assert replayed.code == live.code, replayed.stderr
    # Only the description of where the data came from may differ: "context test" vs "snapshot ... of it".
    assert without_source(json.loads(replayed.stdout)) == without_source(json.loads(live.stdout))


def without_source(value: Any) -> Any:
    """A JSON value with every ``source`` key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_source(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [without_source(v) for v in value]
    return value


def test_a_snapshot_served_over_https_reads_like_the_original(api_server: Callable[..., ApiServer],
                                                              tiny_server: ApiServer,
                                                              kube_source: Callable[..., KubeSource],
                                                              tmp_path: Path) -> None:
    path = recorded(kube_source(tiny_server), tmp_path)
    replay_server = api_server(path)
    source = kube_source(replay_server)
    assert source.now() == SnapshotSource.load(path).now()
    assert source.get(SECRETS_PATH).items == SnapshotSource.load(path).get(SECRETS_PATH).items
    assert source.get("/api/v1/nodes").not_found, "what was never recorded is not there"


@pytest.mark.parametrize(("source", "shown"), [
    ("context prod (https://10.0.0.1:6443)", "of context prod (https://"), (None, "of a cluster taken"),
    ({"a": [1, True]}, 'of {"a": [1, true]} taken'), (7, "of 7 taken")])
def test_a_snapshots_source_is_shown_as_written(source: object, shown: str) -> None:
    """A hand-edited source of another type reads as the JSON it is, not as Python's repr ({'a': [1, True]})."""
    document: dict[str, object] = {"kind": SNAPSHOT_KIND, "capturedAt": "2026-11-20T09:00:00Z", "responses": {}}
    if source is not None:
        document["source"] = source
    assert shown in SnapshotSource(document).description



def test_trace_pods_without_a_namespace_are_read_in_the_namespace_option(run_cli: RunCli, tmp_path: Path) -> None:
    """`-n shop --trace POD` records shop/POD: -n was ignored, so the pod was looked for in the context's
    namespace, and the snapshot failed with exit 4 after the whole cluster had been read."""
    target = tmp_path / "s.json.gz"
    recorded = run_cli(["snapshot", "-o", str(target), "--sample", "kind-ha", "-n", "shop",
                        "--trace", "cart-6b8d7f9c5d-cqhfr"])
    assert recorded.code == 0, recorded.stderr
    replay = run_cli(["trace", "pod", "cart-6b8d7f9c5d-cqhfr", "-n", "shop", "--snapshot", str(target), "-o", "json"])
    assert replay.code == 0 and json.loads(replay.stdout)["stuck"]["stage"] == "images-pulled", replay.stderr


def test_trace_targets_take_trace_s_own_forms(run_cli: RunCli, tmp_path: Path) -> None:
    """`--trace deployment/cart` is what `trace deployment/cart` takes: a kind, not a namespace called
    'deployment' (it read the whole cluster, then failed with exit 4 and wrote nothing)."""
    target = tmp_path / "s.json.gz"
    recorded = run_cli(["snapshot", "-o", str(target), "--sample", "kind-ha", "-n", "shop",
                        "--trace", "deployment/cart", "--trace", "shop/deploy/payments", "--trace", "default/pod/x"])
    assert recorded.code == 4 and "pod 'x' not found in namespace 'default'" in recorded.stderr, recorded.stderr
    recorded = run_cli(["snapshot", "-o", str(target), "--sample", "kind-ha", "-n", "shop",
                        "--trace", "deployment/cart", "--trace", "shop/deploy/payments"])
    assert recorded.code == 0, recorded.stderr
    for owner in ("deployment/cart", "deploy/payments"):
        replay = run_cli(["trace", owner, "-n", "shop", "--snapshot", str(target), "-o", "json"])
        assert replay.code == 0, replay.stderr
        assert json.loads(replay.stdout)["stuck"]["stage"] in ("images-pulled", "staying-up")


def test_a_trace_target_that_cannot_be_read_is_refused_before_reading(
        run_cli: RunCli, tiny_server: ApiServer, kubeconfig_for: Callable[..., Path], tmp_path: Path) -> None:
    result = run_cli(["snapshot", "-o", str(tmp_path / "s.json.gz"), "--trace", "shop/deployment/cart/x",
                      "--kubeconfig", str(kubeconfig_for(tiny_server))])
    assert_one_line_error(result, ExitCode.USAGE, "is not a valid name")
    assert tiny_server.requests == [] and not (tmp_path / "s.json.gz").exists()


def test_tracing_a_pod_the_snapshot_did_not_record_says_how_to_record_it(run_cli: RunCli, tmp_path: Path) -> None:
    """It was exit 3, 'could not read pod ...: not recorded in the snapshot', the code of an unreachable
    cluster, with no word on --trace."""
    target = tmp_path / "s.json.gz"
    assert run_cli(["snapshot", "-o", str(target), "--sample", "kind-ha"]).code == 0
    result = run_cli(["trace", "deployment/cart", "-n", "shop", "--snapshot", str(target)])
    assert_one_line_error(result, ExitCode.USAGE, "not recorded in the snapshot",
                          "kubectl arch snapshot --trace shop/deployment/cart")


def test_a_trace_target_that_does_not_exist_is_refused_before_the_cluster_is_read(
        run_cli: RunCli, tiny_server: ApiServer, kubeconfig_for: Callable[..., Path], tmp_path: Path) -> None:
    """It was refused with exit 4 only after every read of explain and audit (minutes on a big cluster), for a
    typo in the pod's name: the snapshot was asked for with its trace, so without it nothing is written."""
    target = tmp_path / "s.json.gz"
    result = run_cli(["snapshot", "-o", str(target), "--trace", "default/pod/nope",
                      "--kubeconfig", str(kubeconfig_for(tiny_server))])
    # (the tiny cluster has no namespace object 'default': trace's own check says so)
    assert_one_line_error(result, ExitCode.NOT_FOUND, "--trace default/pod/nope", "'default' does not exist",
                          "nothing was written")
    assert not target.exists()
    read = {request.path for request in tiny_server.requests}
    assert read <= {"/version", "/api/v1/namespaces/default/pods/nope", "/api/v1/namespaces/default"}, read
