"""Concurrent reads: independent needs go out together, bounded, with one back-off shared by every reader.

A laptop talking to a cloud cluster pays 20-150 ms per round trip; twenty needs read one after another
pay it twenty times. ``run_graph`` starts each task as soon as the tasks it depends on are done, with at
most ``limit`` in flight (API Priority and Fairness queues a client's requests per flow: a handful at a
time is what it is built for). A list's pages stay in one task, in order, since each page asks for the
previous one's ``continue`` token. ``SharedBackoff`` turns one 429's Retry-After into a pause for every
reader, not only the one that was told: the server said it is overloaded, not that one request was.

Only the standard library: importing this costs nothing on the way to the first request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

R = TypeVar("R")
T = TypeVar("T")

# Reads in flight at once against one live API server. explain and audit read up to 22 independent things; at 24
# they all go in one round trip (a laptop pays 20-150 ms for each). It stays modest for API Priority and
# Fairness, which queues a client's requests per flow: kubectl's own discovery sends one GET per API group
# version at once, dozens together. Pages of one list still go one after another.
DEFAULT_IN_FLIGHT = 24


def max_in_flight(source: object) -> int:
    """How many reads a source takes at once: live readers say so (``max_in_flight``); in-memory ones
    (samples, snapshots, test fakes) are read one at a time, which keeps them deterministic."""
    value = getattr(source, "max_in_flight", 1)
    return value if isinstance(value, int) and value > 0 else 1


class SharedBackoff:
    """One pause every thread of a reader honours before its next request.

    The thread that got the 429 calls ``hold`` (it sleeps the Retry-After itself); every other thread
    calls ``wait`` before each request and sleeps until the pause ends. ``sleep`` and ``clock`` are
    injectable so tests can record the pauses instead of taking them.
    """

    def __init__(self, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._until = 0.0
        self._local = threading.local()  # per thread: the end of the last pause it already sat out
        self.pauses = 0  # how many times a pause was declared (for tests and benchmarks)

    def hold(self, seconds: float) -> None:
        """Declare a pause of ``seconds`` for everyone and sit it out in this thread."""
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)
            self._local.waited = self._until
            self.pauses += 1
        self._sleep(seconds)

    def wait(self) -> None:
        """Sleep until the current pause, if any, is over (once per pause per thread)."""
        with self._lock:
            until = self._until
        if until <= getattr(self._local, "waited", 0.0):
            return
        self._local.waited = until
        remaining = until - self._clock()
        if remaining > 0:
            self._sleep(remaining)


def run_graph(
    after: Mapping[str, Iterable[str]],
    run: Callable[[str], R],
    limit: int = DEFAULT_IN_FLIGHT,
    started: Callable[[str], None] | None = None,
    finished: Callable[[str, R], None] | None = None,
) -> dict[str, R]:
    """Run ``run(name)`` for every name of ``after`` once the names it lists are finished.

    Dependencies outside ``after`` are taken as done; a cycle raises ``ValueError``. ``started`` and
    ``finished`` are called in the calling thread, so progress output and shared results need no locks;
    ``finished`` of a dependency always returns before its dependents start. With ``limit`` 1 everything
    runs here, in order. An exception in a task stops the run (tasks not yet started never start) and is
    raised here.
    """
    waits_for = {name: [d for d in after[name] if d in after] for name in after}
    order = topological(waits_for)
    results: dict[str, R] = {}
    if limit <= 1:
        for name in order:
            if started:
                started(name)
            results[name] = run(name)
            if finished:
                finished(name, results[name])
        return results

    import queue

    # Daemon threads, not a ThreadPoolExecutor: after Ctrl-C the process must exit at once, not wait at
    # interpreter exit for requests still in flight (the executor joins its workers).
    finished_queue: queue.SimpleQueue[tuple[str, bool, Any]] = queue.SimpleQueue()

    def work(name: str) -> None:
        try:
            finished_queue.put((name, True, run(name)))
        except BaseException as exc:  # handed to the calling thread, which raises it
            finished_queue.put((name, False, exc))

    pending = critical_path_first(order, waits_for)
    running = 0
    while pending or running:
        for name in [n for n in pending if all(d in results for d in waits_for[n])]:
            if running >= limit:
                break
            pending.remove(name)
            if started:
                started(name)
            threading.Thread(target=work, args=(name,), name=f"read-{name}", daemon=True).start()
            running += 1
        assert running, "topological() ruled out cycles"
        name, ok, value = finished_queue.get()
        running -= 1
        if not ok:
            raise value
        results[name] = value
        if finished:
            finished(name, value)
    return {name: results[name] for name in order}


def import_in_background(*modules: str) -> None:
    """Import ``modules`` in a thread: what a command needs only after its reads then loads while the main thread
    waits for the network, not before the first request.

    Not a daemon: the interpreter waits for it at exit. A daemon thread still inside an extension's import when a
    quick run ends (cryptography's Rust module) is unwound at finalization through frames that cannot be, and the
    process aborts ("FATAL: exception not rethrown", exit 134) after printing a good report."""
    import importlib

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the main thread imports it again and reports any error itself
                continue

    threading.Thread(target=load, name="import", daemon=False).start()


def topological(waits_for: Mapping[str, Iterable[str]]) -> list[str]:
    """Names with each after the names it waits for, otherwise in the given order."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ValueError(f"tasks wait for each other in a cycle through {name!r}")
        state[name] = 1
        for dependency in waits_for.get(name, ()):
            if dependency in waits_for:
                visit(dependency)
        state[name] = 2
        order.append(name)

    for name in waits_for:
        visit(name)
    return order


def critical_path_first(order: list[str], waits_for: Mapping[str, Iterable[str]]) -> list[str]:
    """``order`` with the tasks that head the longest chains first (stable otherwise).

    With more tasks ready than slots, a task others wait for must not queue behind one nobody waits for:
    each chain link is a round trip, and starting the chain late adds one to the whole run.
    """
    dependents: dict[str, list[str]] = {name: [] for name in order}
    for name in order:
        for dependency in waits_for.get(name, ()):
            if dependency in dependents:
                dependents[dependency].append(name)
    chain: dict[str, int] = {}
    for name in reversed(order):  # every dependent comes later in a topological order
        chain[name] = 1 + max((chain[d] for d in dependents[name]), default=0)
    return sorted(order, key=lambda name: -chain[name])


def gather(calls: Iterable[Callable[[], R]], limit: int) -> list[R]:
    """Run independent calls with at most ``limit`` at once; results in the calls' order."""
    tasks = list(calls)
    if limit <= 1 or len(tasks) <= 1:
        return [call() for call in tasks]
    names = {str(i): call for i, call in enumerate(tasks)}
    results: dict[str, Any] = run_graph({name: () for name in names}, lambda name: names[name](), limit)
    return [results[str(i)] for i in range(len(tasks))]


# Exit status of a child interrupted by Ctrl-C (128 + SIGINT, as a shell reports it): the parent is interrupted too.
INTERRUPTED_CHILD = 130


def forkable_processes(wanted: int) -> int:
    """How many processes ``split_across_processes`` may use: 1 unless this is Linux, no other thread has started
    (a fork copies a lock another thread holds, held forever), and the process may run on several CPUs.

    Linux only: macOS forks badly once its system frameworks are loaded (Python made spawn its default there),
    and Windows cannot fork.
    """
    import os
    import sys

    if sys.platform != "linux" or threading.active_count() != 1 or wanted < 2:
        return 1
    return max(1, min(wanted, len(os.sched_getaffinity(0))))


def split_across_processes(items: Sequence[T], run: Callable[[Sequence[T]], list[R]], processes: int) -> list[R]:
    """``run(items)``, its results in the items' order, with the items cut into up to ``processes`` consecutive
    chunks: this process runs the first, a forked child each other one (CPU-bound work in threads shares one
    interpreter lock; processes use the other cores). Without ``forkable_processes``' conditions, one chunk.

    Behaves as one ``run(items)`` would: a child's exception is raised here, the first chunk's first; a child
    interrupted by Ctrl-C interrupts this process; a child that gives no result (killed, or results that do not
    pickle) has its chunk run here. Children exit with ``os._exit``: nothing of this process's is flushed twice.
    """
    count = forkable_processes(min(processes, len(items)))
    if count < 2:
        return run(items)
    import os
    import sys

    size, extra = divmod(len(items), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    chunks = [items[bounds[i]:bounds[i + 1]] for i in range(count)]
    import gc

    # Everything alive now (modules, the catalogue) moves out of the collector's sight, as Python's documentation
    # advises before a fork: a child's collections, if it runs any, neither walk it again nor write to its pages,
    # shared until written (commands run with the collector off: cli.entry.without_cycle_collector).
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    children: dict[int, int] = {}  # pid: the read end of its pipe, until it is reaped
    try:
        for chunk in chunks[1:]:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _child(write_end, run, chunk)
            os.close(write_end)
            children[pid] = read_end
        answers: list[bytes] = [b""] * len(children)
        # Each pipe is read while this process works: a child whose pipe is full would wait for it.
        readers = [threading.Thread(target=_read_all, args=(fd, answers, i), name=f"child-{pid}", daemon=True)
                   for i, (pid, fd) in enumerate(children.items())]
        for reader in readers:
            reader.start()
        results = run(chunks[0])
        for i, (pid, chunk) in enumerate(zip(list(children), chunks[1:], strict=True)):
            readers[i].join()
            _, status = os.waitpid(pid, 0)
            del children[pid]
            if os.waitstatus_to_exitcode(status) == INTERRUPTED_CHILD:
                raise KeyboardInterrupt
            outcome = _unpickled(answers[i])
            if outcome is None:
                results.extend(run(chunk))
            elif isinstance(outcome, ChildFailure):
                raise outcome.error from ChildTraceback(outcome.traceback)
            else:
                results.extend(outcome)
        return results
    finally:
        for pid in children:  # an exception or Ctrl-C here: no child outlives the command
            _stop(pid)
        gc.unfreeze()


class ChildTraceback(Exception):
    """A forked child's traceback, as text: the cause of its exception raised here, so ``-v`` shows the frames
    that failed (pickling an exception keeps none of them), as concurrent.futures does for its processes."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return "\n" + self.text.rstrip("\n")


@dataclass(frozen=True)
class ChildFailure:
    """What a child sends when its chunk raised: the exception, and its traceback as text."""

    error: BaseException
    traceback: str


def _child(write_end: int, run: Callable[[Sequence[T]], list[R]], chunk: Sequence[T]) -> None:
    """``run(chunk)`` in a forked child: write its pickled outcome (results or exception) and exit at once."""
    import os
    import pickle

    code = 0
    try:
        try:
            outcome: Any = run(chunk)
        except KeyboardInterrupt:
            os._exit(INTERRUPTED_CHILD)
        except BaseException as exc:  # raised in the parent, as a thread's would be
            import traceback

            outcome = ChildFailure(exc, "".join(traceback.format_exception(exc)))
        try:
            payload = pickle.dumps(outcome)
        except Exception:  # the parent runs this chunk itself
            payload = b""
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    except KeyboardInterrupt:
        code = INTERRUPTED_CHILD
    except BaseException:  # a closed pipe: the parent is gone or runs the chunk itself
        code = 1
    os._exit(code)


def _read_all(fd: int, answers: list[bytes], index: int) -> None:
    """Everything a child writes to its pipe, until it closes it."""
    import os

    with os.fdopen(fd, "rb") as pipe:
        answers[index] = pipe.read()


def _unpickled(payload: bytes) -> Any:
    """A child's outcome, or None when it sent none that loads."""
    import pickle

    if not payload:
        return None
    try:
        return pickle.loads(payload)  # written by this command's own forked child: trusted
    except Exception:
        return None


def _stop(pid: int) -> None:
    """End a child this process forked and reap it."""
    import os
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
