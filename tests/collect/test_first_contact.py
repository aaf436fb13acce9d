"""The first contact with a live cluster: the /version probe goes out beside the first reads, not a round trip
before them, and a cluster that cannot be read still stops the run with one clear line (exit 3)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.cli.options import ClusterOptions, open_source
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import DAEMONSET_PODS_PAGE, collect
from kubectl_arch.errors import ArchError, ExitCode
from kubectl_arch.explain import EXPLAIN_NEEDS
from tests.harness.apiserver import ApiServer

DAEMONSETS = "/apis/apps/v1/daemonsets"


def _options(kubeconfig: Path) -> ClusterOptions:
    return ClusterOptions(connection=Connection(kubeconfig=str(kubeconfig)), request_timeout=10.0)


def _arrived(server: ApiServer, path: str, within: float) -> bool:
    """Whether a request for ``path`` reaches the server within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.requests_to(path):
            return True
        time.sleep(0.01)
    return False


def test_the_first_reads_go_out_while_the_probe_is_unanswered(api_server: Callable[..., ApiServer],
                                                               kubeconfig_for: Callable[..., Path]) -> None:
    """/version is held unanswered; the DaemonSets list must reach the server anyway. Before, every read waited
    for the probe's answer: one round trip more for every command against every cluster."""
    server = api_server("kind-ha")
    held = server.hold("/version", at_most=10.0)
    collected: list[ClusterData] = []
    reader = threading.Thread(target=lambda: collected.append(collect(open_source(_options(kubeconfig_for(server))),
                                                                      EXPLAIN_NEEDS)))
    reader.start()
    try:
        arrived = _arrived(server, DAEMONSETS, within=5.0)
        answered_probe = held.released.is_set()
    finally:
        held.release()
        reader.join(timeout=30)
    assert arrived and not answered_probe, "the first reads waited for the /version probe"
    assert collected and collected[0].responses["version"].ok
    assert len(server.requests_to("/version")) == 1, "the probe's answer is the version need's answer"


def test_the_clock_is_the_servers_even_though_it_is_asked_after_the_reads(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    """``data.now`` is the Date of the server's answers (the sample's capture time), not this machine's clock."""
    server = api_server("kind-ha")
    data = collect(open_source(_options(kubeconfig_for(server))), ["version", "nodes"])
    assert abs((data.now - server.now).total_seconds()) < 2, (data.now, server.now)


def test_rejected_credentials_stop_the_run_at_the_first_failed_read(api_server: Callable[..., ApiServer],
                                                                     kubeconfig_for: Callable[..., Path]) -> None:
    """Every read answers 401: the run stops with the probe's one line (exit 3), not a report of failed reads,
    and nothing that depends on the first reads is asked for."""
    server = api_server("kind-ha", tokens={"good-token": "admin"})
    source = open_source(_options(kubeconfig_for(server, token="expired-token")))
    with pytest.raises(ArchError) as caught:
        collect(source, EXPLAIN_NEEDS)
    assert caught.value.code == ExitCode.CLUSTER_UNREADABLE
    assert "rejected the credentials" in caught.value.one_line()
    assert not server.requests_to("/api/v1/nodes/*"), "reads that wait for the node list were started"


def test_a_forbidden_probe_is_an_answer_not_an_unreadable_cluster(api_server: Callable[..., ApiServer],
                                                                   kubeconfig_for: Callable[..., Path]) -> None:
    """RBAC may hide /version from a user who can read the rest: the run goes on and the version is unknown."""
    server = api_server("kind-ha")
    server.fail("/version", 403, times=None)
    data = collect(open_source(_options(kubeconfig_for(server))), ["version", "nodes", "daemonsets"])
    assert data.responses["version"].status == 403
    assert data.responses["nodes"].ok and data.responses["daemonsets"].ok


def test_kube_system_daemonset_pods_go_out_with_the_first_reads_and_one_page_judges_them(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    """The per-node pods read waits for nothing (it once waited a round trip for the DaemonSets' counts); when
    kube-system holds more than one page of them, that one page is read and set aside, never a second."""
    from kubectl_arch.collect.needs import NEEDS

    assert NEEDS["kube-system-daemonset-pods"].after == ()
    store = ApiStore()
    store.add({"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n0"}, "status": {}})
    for i in range(DAEMONSET_PODS_PAGE + 1):
        store.add({"kind": "Pod", "apiVersion": "v1", "status": {},
                   "metadata": {"name": f"kube-proxy-{i}", "namespace": "kube-system",
                                "labels": {"pod-template-generation": "1"}}})
    server = api_server(store)
    data = collect(KubeSource(str(kubeconfig_for(server)), None, 10.0), ["kube-system-daemonset-pods"])
    response = data.responses["kube-system-daemonset-pods"]
    assert response.absent and not response.ok
    assert f"more than {DAEMONSET_PODS_PAGE} per-node pods" in (response.error or "")
    assert len(server.requests_to("/api/v1/namespaces/kube-system/pods")) == 1


def test_no_connection_is_dropped_when_every_read_is_in_flight(api_server: Callable[..., ApiServer],
                                                                kubeconfig_for: Callable[..., Path],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """The client sizes its connection pool by CPUs (5 on one core); with more reads in flight urllib3 drops the
    extra connections and warns on stderr for each. The pool holds every read in flight on any machine."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "cpu_count", lambda: 1)
    server = api_server("kind-ha")
    with caplog.at_level(logging.WARNING, logger="urllib3"):
        data = collect(KubeSource(str(kubeconfig_for(server)), None, 10.0), EXPLAIN_NEEDS)
    assert data.responses["nodes"].ok
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()], caplog.text


@pytest.mark.parametrize("command", ["explain", "audit"])
def test_every_read_that_waits_for_nothing_goes_out_in_the_first_wave(command: str) -> None:
    """What a command reads without waiting for another read fits the reads in flight at once: it all goes in
    one round trip after the probe. A catalogue that outgrows the bound adds a round trip to every run."""
    from kubectl_arch.audit.registry import needs_for
    from kubectl_arch.collect.concurrency import DEFAULT_IN_FLIGHT
    from kubectl_arch.collect.needs import NEEDS

    wanted = set(EXPLAIN_NEEDS if command == "explain" else needs_for())
    while missing := {after for name in wanted for after in NEEDS[name].after} - wanted:
        wanted |= missing
    covered = {name for name in wanted if set(NEEDS[name].covered_by) & wanted}  # answered by another's read
    first_wave = sorted(name for name in wanted - covered if not NEEDS[name].after and name != "version")
    assert len(first_wave) <= DEFAULT_IN_FLIGHT, first_wave


def test_a_server_answering_every_read_with_5xx_stops_the_run(api_server: Callable[..., ApiServer],
                                                             kubeconfig_for: Callable[..., Path]) -> None:
    """/version and every read answer HTTP 500: the API server is not serving, so the run stops with one line
    (exit 3) as for an unreachable one. Before, explain reported every component unknown and exited 0."""
    server = api_server("kind-ha")
    server.fail("*", 500, times=None)
    source = open_source(_options(kubeconfig_for(server)))
    with pytest.raises(ArchError) as caught:
        collect(source, EXPLAIN_NEEDS)
    assert caught.value.code == ExitCode.CLUSTER_UNREADABLE
    assert "answered HTTP 500" in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_a_5xx_probe_beside_reads_that_succeed_is_a_partial_cluster(api_server: Callable[..., ApiServer],
                                                                    kubeconfig_for: Callable[..., Path]) -> None:
    """Only /version and the DaemonSets answer 500: the server serves the rest, so the run goes on and those
    two reads are reported as failed, not the whole cluster."""
    server = api_server("kind-ha")
    server.fail("/version", 500, times=None)
    server.fail(DAEMONSETS, 500, times=None)
    data = collect(open_source(_options(kubeconfig_for(server))), ["nodes", "daemonsets"])
    assert data.responses["nodes"].ok
    assert data.responses["daemonsets"].status == 500


def test_a_5xx_probe_beside_a_slow_read_that_is_answered_is_a_partial_cluster(
        api_server: Callable[..., ApiServer], kubeconfig_for: Callable[..., Path]) -> None:
    """/version and the DaemonSets answer 500 to every retry while the nodes list is slow: it answers only after
    both have given up. The server serves, so the run goes on. Before, whether the run stopped as unreadable
    depended on which came first: the probe's last retry, or another read's answer."""
    server = api_server("kind-ha")
    server.fail("/version", 500, times=None)
    server.fail(DAEMONSETS, 500, times=None)
    server.hold("/api/v1/nodes", at_most=6.0, times=None)  # never released: answered once both have failed
    data = collect(open_source(_options(kubeconfig_for(server))), ["nodes", "daemonsets"])
    assert data.responses["nodes"].ok
    assert data.responses["daemonsets"].status == 500
