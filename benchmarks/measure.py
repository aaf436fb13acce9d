"""How one command is measured: its own process's wall time, CPU time and peak RSS, plus what the server saw.

``wait4`` gives the rusage of exactly the child that ran (not the benchmark, not the server thread). Linux
carries a process's peak RSS across exec, and a forked child starts as a copy of its parent: spawned from
this big process (it serves the synthetic cluster), every command would inherit its peak. So a small
launcher process spawns the command and reports its rusage; the command inherits at most that bare
Python's few MB. The test API server records every request and counts the body bytes it sent on the wire
(gzip-compressed over 128 KiB for clients that ask, as kube-apiserver does: kubectl and kubectl-arch both
ask), so kubectl-arch and kubectl are measured the same way. CPU seconds are reported beside wall time because
on a shared machine the wall clock includes other people's work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.source import Query, Response

NODES_PATH = "/api/v1/nodes"
SELECTORS = ("labelSelector", "fieldSelector")


API_PATHS = ("/api/", "/apis/")  # resource reads; what changes between scrapes (/metrics) is never kept
LIVE_LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"  # leader election: renewed as served
LEASE_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
CACHED_ANSWER_BYTES = 1_000_000


class CountingBackend:
    """Serves ``store`` through the test API server and times each answer.

    JSON is serialised here, once, and handed to the server as text with a JSON content type: the
    server sends it as is (compressed where the client asks), with no second serialisation. ``latency``
    seconds are waited before each answer (in the request's own server thread, so concurrent requests wait
    together, as on a real network). Tables are served for clients that ask (``get_table``), as kube-apiserver does.

    An API object answer of up to ``CACHED_ANSWER_BYTES`` is kept once encoded, as kube-apiserver answers lists
    from its watch cache: the test server shares the client's CPUs, and building the same answer again for every
    run (ten clusters' worth with --all-contexts) was counted in the client's wall time. Bigger pages and
    non-resource answers (/metrics, /readyz) are built for each request.
    """

    def __init__(self, store: ApiStore, latency: float = 0.0, generated_at: dt.datetime | None = None) -> None:
        self.store = store
        self.resources = store.resources  # the server builds discovery documents from these
        self.latency = latency
        # The generator's "now": kube-system's leases are served renewed as long ago as they were then, as live
        # leaders keep them (else leader-election fails once a served cluster is older than a lease, ~15 s).
        self.generated_at = generated_at
        self._lock = threading.Lock()
        self.spans: list[tuple[float, float]] = []  # (arrival, answered) per request, time.time()
        self._encoded: dict[tuple[str, str, tuple[tuple[str, str], ...]], Response] = {}

    def get(self, path: str, query: Query | None = None) -> Response:
        return self._answer("object", path, query, lambda: self.store.get(path, query))

    def get_table(self, path: str, query: Query | None = None) -> Response:
        return self._answer("table", path, query, lambda: self.store.get_table(path, query))

    def _answer(self, form: str, path: str, query: Query | None, read: Callable[[], Response]) -> Response:
        arrived = time.time()
        if self.latency:
            time.sleep(self.latency)
        key = (form, path, tuple(sorted((query or {}).items())))
        if self.generated_at is not None and path.startswith(LIVE_LEASES):
            response = self._encode(renewed(read(), dt.datetime.now(dt.timezone.utc) - self.generated_at))
        else:
            response = self._encoded.get(key) or self._encode(read())
            if (path.startswith(API_PATHS) and response.status == 200
                    and len(response.text or "") <= CACHED_ANSWER_BYTES):
                self._encoded[key] = response
        with self._lock:
            self.spans.append((arrived, time.time()))
        return response

    @staticmethod
    def _encode(response: Response) -> Response:
        """JSON once, as text the server sends as it is."""
        if response.data is None:
            return response
        body = json.dumps(response.data, separators=(",", ":"))
        return Response(status=response.status, text=body, error=response.error,
                        headers={"content-type": "application/json"})

    def reset(self) -> None:
        with self._lock:
            self.spans = []

    @property
    def first_arrival(self) -> float | None:
        with self._lock:
            return min((arrived for arrived, _ in self.spans), default=None)

    def round_trips(self) -> int:
        """The longest chain of requests each sent after the previous one was answered: how many round trips
        deep a command's reads are (independent reads sent together count once)."""
        with self._lock:
            spans = sorted(self.spans)
        depth: list[int] = []
        for i, (arrived, _done) in enumerate(spans):
            depth.append(1 + max((depth[j] for j in range(i) if spans[j][1] <= arrived), default=0))
        return max(depth, default=0)


def renewed(response: Response, later: dt.timedelta) -> Response:
    """``response`` (a Lease or a list of them) with every renewTime ``later`` than stored: copies, the store's
    objects stay as generated."""
    data = response.data
    if response.status != 200 or not isinstance(data, dict):
        return response
    leases = data.get("items") if "items" in data else [data]
    if not isinstance(leases, list):
        return response
    moved = []
    for lease in leases:
        stored = lease.get("spec", {}).get("renewTime") if isinstance(lease, dict) else None
        if not isinstance(stored, str):
            moved.append(lease)
            continue
        at = dt.datetime.strptime(stored, LEASE_TIME).replace(tzinfo=dt.timezone.utc) + later
        moved.append({**lease, "spec": {**lease["spec"], "renewTime": at.strftime(LEASE_TIME)}})
    body = {**data, "items": moved} if "items" in data else moved[0]
    return Response(status=response.status, data=body, error=response.error, headers=response.headers)


@dataclass(frozen=True)
class ProcessUsage:
    """What one process cost: wall seconds, CPU seconds (user + system), peak RSS, and how it ended."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    exit_code: int
    stderr_tail: str
    spawned_at: float = 0.0  # time.time() just before the command's process was spawned


# Spawns argv[2:], waits for it, and writes its wall time and rusage to the file argv[1]: a fresh, small parent.
# The wall time is the command's own, from its spawn to its exit, as a shell would time it: the launcher's start-up
# (a Python interpreter, 15-30 ms) is not the command's.
LAUNCHER = """
import json, os, sys
import time
out, argv = sys.argv[1], sys.argv[2:]
spawned = time.time()
started = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_pid, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(out, "w") as handle:
    json.dump({"status": status, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
               "spawned": spawned, "seconds": seconds}, handle)
"""


def run_measured(argv: Sequence[str], env: Mapping[str, str], timeout: float,
                 stdout: IO[bytes] | None = None) -> ProcessUsage:
    """Run ``argv`` through the launcher with stdout kept in ``stdout`` (else discarded); killed (with its
    group) after ``timeout``."""
    with tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, report.name, *argv],
                                   stdout=stdout or subprocess.DEVNULL,
                                   stderr=stderr, env=dict(env), start_new_session=True)
        timer = threading.Timer(timeout, lambda: _kill_group(process.pid))
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        stderr.seek(0)
        tail = stderr.read().decode(errors="replace").strip().splitlines()[-3:]
        text = report.read()
    if not text:  # the launcher itself was killed (timeout): no usage of the command to report
        return ProcessUsage(seconds, 0.0, 0.0, process.returncode or -9, " | ".join(tail))
    usage = json.loads(text)
    return ProcessUsage(usage["seconds"], usage["cpu"], usage["maxrss_kb"] / 1024,
                        os.waitstatus_to_exitcode(usage["status"]), " | ".join(tail), usage["spawned"])


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def request_key(path: str, query: Mapping[str, str]) -> str:
    """A request as the growth analysis groups it: path and selectors, without paging parameters."""
    selectors = [f"{k}={query[k]}" for k in SELECTORS if query.get(k)]
    return path + (f" ({', '.join(selectors)})" if selectors else "")


@dataclass
class Measurement:
    """One command's run against one cluster size."""

    command: str
    usage: ProcessUsage
    bytes_read: int
    requests_by_key: Counter[str] = field(default_factory=Counter)
    latency_ms: int = 0
    first_request_s: float | None = None  # from spawning the process to the server seeing its first request
    round_trips: int = 0
    truth: str = ""  # "ok", what was wrong, or "" when not checked
    runs: int = 1  # how many runs this one was chosen from (see representative)
    server_cpu_s: float | None = None  # the test API servers' CPU during the run, where they share the machine

    @property
    def requests(self) -> int:
        return sum(self.requests_by_key.values())

    @property
    def node_requests(self) -> int:
        """Pages of the node list: the only requests allowed to grow with the cluster."""
        return self.requests_by_key.get(NODES_PATH, 0)

    @property
    def completed(self) -> bool:
        return self.usage.exit_code in (0, 1)  # 1 = audit findings, a normal outcome


def measurement(command: str, usage: ProcessUsage, backend: CountingBackend, requests: Iterable[Any],
                bytes_read: int, latency_ms: int = 0) -> Measurement:
    """A measurement from the server's recorded requests (objects with ``path`` and ``query``) and the body bytes
    it sent on the wire (gzip-compressed where the client asked, as kube-apiserver does), and the backend's
    timings."""
    first = backend.first_arrival
    return Measurement(command, usage, bytes_read, Counter(request_key(r.path, r.query) for r in requests),
                       latency_ms=latency_ms, first_request_s=(first - usage.spawned_at) if first else None,
                       round_trips=backend.round_trips())


def representative(runs: Sequence[Measurement]) -> Measurement:
    """The run a table row shows: the first one that failed or got the findings wrong, else the median by wall.

    One run of a sub-second command is at the mercy of whatever else the machine did in that second; the
    median of several is not, and a failure in any of them is never hidden behind the others.
    """
    bad = [m for m in runs if not m.completed or m.truth not in ("", "ok")]
    chosen = bad[0] if bad else sorted(runs, key=lambda m: m.usage.seconds)[len(runs) // 2]
    return replace(chosen, runs=len(runs))
