"""Derived facts are computed once per ClusterData, yet never stale and never shared as containers.

node_infos, control_plane_components, detect_distribution and kube_proxy_mode are read by several checks and explain;
computing them once must not change what any caller sees.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch import samples as bundled
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.collect.source import Response
from kubectl_arch.model import components, distribution, kube_proxy, nodes
from kubectl_arch.model.memo import once_per_process

NEEDS = tuple(dict.fromkeys(("version", "nodes", "kube-system-pods", "kubeadm-config", *kube_proxy.READS)))
SAMPLES = Path(bundled.__file__).parent


def sample_data(name: str) -> ClusterData:
    return collect(SampleSource.named(name), NEEDS)


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, attribute: str) -> list[int]:
    """Wrap ``module.attribute`` so the test sees how often the real computation runs."""
    calls: list[int] = []
    real: Callable[[ClusterData], Any] = getattr(module, attribute)

    def counted(data: ClusterData) -> Any:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(module, attribute, counted)
    return calls


@pytest.mark.parametrize(("module", "public", "private"), [
    (nodes, "node_infos", "_node_infos"),
    (components, "control_plane_components", "_control_plane_components"),
    (distribution, "detect_distribution", "_detect_distribution"),
    (kube_proxy, "kube_proxy_mode", "_kube_proxy_mode"),
])
def test_computed_once_per_cluster_data(monkeypatch: pytest.MonkeyPatch, module: Any, public: str,
                                        private: str) -> None:
    calls = count_calls(monkeypatch, module, private)
    data = sample_data("kind-ha")
    first = getattr(module, public)(data)
    again = getattr(module, public)(data)
    assert again == first
    assert len(calls) == 1
    getattr(module, public)(sample_data("kind-ha"))  # other data: its own computation
    assert len(calls) == 2


def test_each_caller_gets_its_own_container() -> None:
    """A caller sorting or filtering its list (or dict) in place cannot change the next caller's."""
    data = sample_data("kind-ha")
    listed = nodes.node_infos(data)
    expected = [n.name for n in listed]
    listed.clear()
    assert [n.name for n in nodes.node_infos(data)] == expected
    found = components.control_plane_components(data)
    found.pop(components.ETCD)
    assert components.ETCD in components.control_plane_components(data)


def test_a_replaced_response_is_recomputed() -> None:
    """Data built step by step (tests, needs fetched later) never gets an answer from older responses."""
    data = sample_data("kind-ha")
    assert len(nodes.node_infos(data)) == 5
    data.responses["nodes"] = Response(status=200, data={"items": data.items("nodes")[:2]})
    assert len(nodes.node_infos(data)) == 2
    assert components.control_plane_components(data)[components.ETCD].replicas == 3
    data.responses["kube-system-pods"] = Response(status=200, data={"items": []})
    assert components.control_plane_components(data)[components.ETCD].replicas == 0


def test_a_failed_computation_is_not_cached() -> None:
    data = sample_data("kind-ha")
    del data.responses["nodes"]
    with pytest.raises(KeyError):
        nodes.node_infos(data)
    assert "nodes.node_infos" not in data.derived


def test_the_cache_is_not_part_of_the_data() -> None:
    """Equality and repr describe what was collected, not what was computed from it."""
    data, other = sample_data("eks"), sample_data("eks")
    other.now = data.now
    nodes.node_infos(data)
    assert data.derived and not other.derived
    assert data == other
    assert "derived" not in repr(data)


def test_a_scrape_is_parsed_once_per_cluster_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three checks read the API server's /metrics and two read etcd's: each text is parsed once per run."""
    from kubectl_arch.audit.config import AuditConfig
    from kubectl_arch.audit.registry import select
    from kubectl_arch.audit.runner import run_audit
    from kubectl_arch.model import metrics

    parsed: list[str] = []
    real = metrics.parse_metrics

    def counted(text: str, source: str, families: Any = None) -> metrics.Metrics | metrics.MetricsError:
        parsed.append(source)
        return real(text, source, families)

    monkeypatch.setattr(metrics, "parse_metrics", counted)
    checks = select(["apiserver-overload", "etcd-disk-latency", "etcd-db-size"])
    run_audit(SampleSource.named("kind-ha"), checks, AuditConfig())
    assert parsed.count("the API server's /metrics") == 1, parsed
    assert len(parsed) == len(set(parsed)), parsed
    run_audit(SampleSource.named("kind-ha"), checks, AuditConfig())
    assert parsed.count("the API server's /metrics") == 2, "a new run reads its own data"


def test_a_scrape_holds_no_cache() -> None:
    """Parsed metrics are immutable values: the histograms are grouped when the scrape is built."""
    from kubectl_arch.model.metrics import APISERVER_ETCD_REQUEST, Metrics, parse_metrics

    text = (SAMPLES / "kind-ha" / "raw" / "metrics.txt").read_text()
    one, two = parse_metrics(text, "kind-ha"), parse_metrics(text, "kind-ha")
    assert isinstance(one, Metrics) and one == two and one is not two
    assert one.histograms[APISERVER_ETCD_REQUEST]
    with pytest.raises(TypeError):
        one.histograms["made-up"] = ()  # type: ignore[index]


def test_threads_asking_together_compute_a_process_wide_value_once() -> None:
    # The first caller holds the computation open while the others ask: functools.cache let each compute it.
    computed: list[int] = []
    release = threading.Event()

    @once_per_process
    def scanner(size: int) -> list[int]:
        computed.append(size)
        release.wait(timeout=0.5)
        return list(range(size))

    answers: list[list[int]] = []
    threads = [threading.Thread(target=lambda: answers.append(scanner(3))) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)  # the others are waiting on the first, or computing beside it
    release.set()
    for thread in threads:
        thread.join()
    assert computed == [3]
    assert answers == [[0, 1, 2]] * 4 and all(answer is answers[0] for answer in answers)
