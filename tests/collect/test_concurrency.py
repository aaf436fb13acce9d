"""Concurrent reads through the real client over HTTPS: overlap within a bound, pages in order, dependencies
declared in the catalogue, one back-off for everyone after a 429, and a failed read among concurrent ones."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from kubectl_arch.collect import needs as needs_module
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.concurrency import (
    DEFAULT_IN_FLIGHT,
    SharedBackoff,
    critical_path_first,
    run_graph,
    topological,
)
from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.needs import Need, collect
from kubectl_arch.collect.source import Query, Response, list_all
from tests.harness.apiserver import ApiServer
from tests.harness.tiny import tiny_store

NODES = "/api/v1/nodes"


@dataclass
class SlowBackend:
    """Answers from a store after ``delay`` seconds, noting when each request arrived and how many overlapped."""

    store: ApiStore
    delay: float = 0.05
    arrivals: list[tuple[float, str]] = field(default_factory=list)
    answered: dict[str, float] = field(default_factory=dict)
    in_flight: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def resources(self) -> Any:
        return self.store.resources

    def get(self, path: str, query: Query | None = None) -> Response:
        self.arrive(path)
        return self.answer(path, query)

    def arrive(self, path: str, signal: Callable[[], None] | None = None) -> None:
        """Note the request; ``signal`` runs under the same lock, so what it signals follows the order seen."""
        with self.lock:
            self.arrivals.append((time.monotonic(), path))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if signal is not None:
                signal()

    def answer(self, path: str, query: Query | None) -> Response:
        time.sleep(self.delay)
        try:
            return self.store.get(path, query)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.answered[path] = time.monotonic()


@pytest.fixture
def slow(api_server: Callable[..., ApiServer]) -> tuple[SlowBackend, ApiServer]:
    backend = SlowBackend(tiny_store())
    return backend, api_server(backend)


@pytest.fixture
def live(kubeconfig_for: Callable[..., Any]) -> Callable[[ApiServer], KubeSource]:
    """A KubeSource that really sleeps its back-off (the shared pause is what is tested)."""
    return lambda server: KubeSource(str(kubeconfig_for(server)), None, 10.0)


def _namespace_needs(monkeypatch: pytest.MonkeyPatch, count: int, **extra: Any) -> list[str]:
    """``count`` independent needs, each one GET of a namespace's pods (test-only catalogue entries)."""
    names = []
    for i in range(count):
        need = Need(f"test-pods-{i}", f"pods of ns-{i}", f"/api/v1/namespaces/ns-{i}/pods", **extra)
        monkeypatch.setitem(needs_module.NEEDS, need.name, need)
        names.append(need.name)
    return names


def test_independent_needs_overlap_within_the_bound(
        slow: tuple[SlowBackend, ApiServer], monkeypatch: pytest.MonkeyPatch,
        live: Callable[[ApiServer], KubeSource]) -> None:
    backend, server = slow
    names = _namespace_needs(monkeypatch, 3 * DEFAULT_IN_FLIGHT)
    source = live(server)
    backend.peak = 0

    data = collect(source, names)

    assert all(data[name].ok for name in names)
    assert list(data.responses) == names, "responses are kept in catalogue order, whatever finished first"
    assert 1 < backend.peak <= DEFAULT_IN_FLIGHT, f"{backend.peak} requests overlapped"


@dataclass
class InterleavingBackend(SlowBackend):
    """The list's second page waits (at most GATE_SECONDS) until another read has arrived after its first
    page, and the other reads take longer than a page: with concurrent reads the arrivals interleave however
    loaded the machine; with reads one after another the list ends first and the test fails."""

    other_delay: float = 0.3
    first_page: threading.Event = field(default_factory=threading.Event)
    other_after_first_page: threading.Event = field(default_factory=threading.Event)

    def get(self, path: str, query: Query | None = None) -> Response:
        token = (query or {}).get("continue")
        if path == NODES and token and store_position(token) == 2:
            self.other_after_first_page.wait(GATE_SECONDS)
        def signal() -> None:
            if path == NODES and not token:
                self.first_page.set()
            elif path != NODES and self.first_page.is_set():
                self.other_after_first_page.set()

        self.arrive(path, signal)
        if path != NODES:
            time.sleep(self.other_delay - self.delay)
        return self.answer(path, query)


GATE_SECONDS = 5.0


def test_pages_of_one_list_stay_in_order_while_other_reads_run(
        api_server: Callable[..., ApiServer], monkeypatch: pytest.MonkeyPatch,
        live: Callable[[ApiServer], KubeSource]) -> None:
    backend = InterleavingBackend(tiny_store())
    server = api_server(backend)
    paged = Need("test-nodes-by-two", "nodes two per page", fetch=lambda source, _d: list_all(source, NODES, limit=2))
    monkeypatch.setitem(needs_module.NEEDS, paged.name, paged)
    others = _namespace_needs(monkeypatch, 8)

    data = collect(live(server), [paged.name, *others])

    assert [n["metadata"]["name"] for n in data.items(paged.name)] == [
        "cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3", "worker-4"]
    pages = server.requests_to(NODES)
    positions = [store_position(r.query.get("continue")) for r in pages]
    assert positions == [0, 2, 4, 6], "each page asks for the token of the page before it"
    order = [path for _, path in backend.arrivals]
    first, last = order.index(NODES), len(order) - 1 - order[::-1].index(NODES)
    assert any(path != NODES for path in order[first:last]), "other reads ran between the pages"


def store_position(token: str | None) -> int:
    """The list position an ApiStore continue token encodes."""
    import base64
    import json

    return int(json.loads(base64.urlsafe_b64decode(token))["start"]) if token else 0


def test_a_dependency_declared_in_the_catalogue_is_read_first(
        slow: tuple[SlowBackend, ApiServer], monkeypatch: pytest.MonkeyPatch,
        live: Callable[[ApiServer], KubeSource]) -> None:
    backend, server = slow
    others = _namespace_needs(monkeypatch, 6)

    def pods_of_first_node(source: Any, data: Any) -> Response:
        first = data.items("test-first")[0]["metadata"]["name"]
        return source.get("/api/v1/pods", {"fieldSelector": f"spec.nodeName={first}"})

    first = Need("test-first", "the node list", NODES)
    second = Need("test-second", "pods of the first node", fetch=pods_of_first_node, after=("test-first",))
    for need in (first, second):
        monkeypatch.setitem(needs_module.NEEDS, need.name, need)

    data = collect(live(server), [second.name, *others])  # the dependency is not even named: `after` brings it

    assert data["test-second"].ok and "test-first" in data.responses
    started = next(at for at, path in backend.arrivals if path == "/api/v1/pods")
    assert started >= backend.answered[NODES], "the dependent read started before its dependency was answered"


def test_one_429_pauses_every_reader_for_its_retry_after(
        slow: tuple[SlowBackend, ApiServer], monkeypatch: pytest.MonkeyPatch,
        live: Callable[[ApiServer], KubeSource]) -> None:
    """Every request whose thread looked for a pause after the 429 was declared waits for its end.

    Timed on the client, from when each thread asked (``wait``) to when it sent: a request that had already
    passed ``wait`` when the pause was declared may still go out, as it must (the server's clock had counted
    those as sent during the pause when the machine was loaded).
    """
    backend, server = slow
    names = _namespace_needs(monkeypatch, 4 * DEFAULT_IN_FLIGHT)
    server.fail("/api/v1/namespaces/ns-3/pods", status=429, retry_after=1, times=1)
    source = live(server)
    asked = threading.local()
    sends: list[tuple[float, float]] = []  # (when the thread asked for a pause, when it sent)
    wait, get_once = source.backoff.wait, source._get_once

    def recorded_wait() -> None:
        asked.at = time.monotonic()
        wait()

    def recorded_get_once(*args: Any, **kwargs: Any) -> Any:
        sends.append((asked.at, time.monotonic()))
        return get_once(*args, **kwargs)

    monkeypatch.setattr(source.backoff, "wait", recorded_wait)
    monkeypatch.setattr(source, "_get_once", recorded_get_once)

    data = collect(source, names)

    assert all(data[name].ok for name in names), "the throttled read was retried and succeeded"
    assert source.backoff.pauses == 1
    until = source.backoff._until  # set under its lock as clock() + 1 s when the pause was declared
    declared = until - 1
    early = [sent for at, sent in sends if at > declared and sent < until]
    assert early == [], f"{len(early)} requests asked after the pause was declared and went out before its end"
    assert any(at > declared for at, _ in sends), "reads went on after the pause was declared"
    assert any(at >= until for at, _ in backend.arrivals), "reads resumed after the pause"


def test_a_failed_read_among_concurrent_ones_is_data_and_the_rest_are_read(
        slow: tuple[SlowBackend, ApiServer], monkeypatch: pytest.MonkeyPatch,
        live: Callable[[ApiServer], KubeSource]) -> None:
    _backend, server = slow
    names = _namespace_needs(monkeypatch, 10)

    def count_pods(_source: Any, data: Any) -> Response:
        failed = data["test-pods-4"]
        return Response(status=200, data={"seen": failed.status}) if failed.ok else Response(
            status=failed.status, error=f"depends on a failed read: {failed.error}")

    dependent = Need("test-dependent", "a need after the failing one", fetch=count_pods, after=("test-pods-4",))
    monkeypatch.setitem(needs_module.NEEDS, dependent.name, dependent)
    server.fail("/api/v1/namespaces/ns-4/pods", status=403, times=None)

    data = collect(live(server), [*names, dependent.name])

    assert data["test-pods-4"].forbidden and "forbidden" in (data.skip_reason("test-pods-4") or "")
    assert [name for name in names if not data[name].ok] == ["test-pods-4"]
    assert not data["test-dependent"].ok and "depends on a failed read" in (data["test-dependent"].error or "")


def test_an_exception_in_one_task_stops_the_run_and_is_raised_in_the_caller() -> None:
    started: list[str] = []

    def run(name: str) -> int:
        if name == "b":
            raise RuntimeError("boom")
        return len(name)

    with pytest.raises(RuntimeError, match="boom"):
        run_graph({"a": (), "b": (), "c": ("b",)}, run, limit=4, started=started.append)
    assert "c" not in started, "a task waiting for the failed one never starts"


def test_the_head_of_a_chain_is_not_queued_behind_reads_nobody_waits_for() -> None:
    """Explain's DaemonSet list (its pods are read after it) queued behind five ConfigMap reads when more reads
    were ready than slots: the chain started a round trip late and the whole run took one round trip more."""
    after = {"a": (), "b": (), "c": (), "d": ("c",), "e": ("d",)}
    assert critical_path_first(topological(after), after) == ["c", "d", "a", "b", "e"]
    started: list[str] = []
    run_graph(after, len, limit=2, started=started.append)
    assert started[0] == "c", f"the chain's head started first: {started}"


def test_topological_order_and_cycles() -> None:
    assert topological({"c": ("a",), "a": (), "b": ("c",)}) == ["a", "c", "b"]
    with pytest.raises(ValueError, match="cycle"):
        topological({"a": ("b",), "b": ("a",)})
    # Sequential runs (samples, snapshots) follow the same order.
    seen: list[str] = []
    run_graph({"c": ("a",), "a": (), "b": ("c",)}, seen.append, limit=1)
    assert seen == ["a", "c", "b"]


def test_shared_backoff_makes_others_wait_once_per_pause() -> None:
    now = [100.0]
    slept: list[float] = []
    backoff = SharedBackoff(sleep=slept.append, clock=lambda: now[0])
    holder = threading.Thread(target=backoff.hold, args=(2.0,))
    holder.start()
    holder.join()
    now[0] += 0.5
    backoff.wait()  # another thread (this one) arrives half a second into the pause
    backoff.wait()  # the same pause is not sat out twice
    assert slept == [2.0, 1.5]
    assert backoff.pauses == 1
