"""split_across_processes: chunks run in forked children behave as one run in this process would: results in
order, a child's exception raised here, Ctrl-C in a child interrupts, a result that does not pickle is computed
here. Each case runs in a fresh interpreter: pytest's own threads rule out forking in this one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2,
                                reason="forks only on Linux with several CPUs")

PRELUDE = """
import json, os, signal, sys, threading
from kubectl_arch.collect.concurrency import forkable_processes, split_across_processes
parent = os.getpid()
def pids(chunk):
    return [(item, os.getpid() != parent) for item in chunk]
"""


def _fresh_python(script: str) -> dict[str, object]:
    """``script`` after PRELUDE in a new interpreter, with no thread of pytest's; its last line is JSON."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(PRELUDE) + textwrap.dedent(script)], cwd=REPO,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_chunks_run_in_children_and_results_keep_the_items_order() -> None:
    result = _fresh_python("""
        print(json.dumps({"two": split_across_processes(list(range(7)), pids, 2),
                          "capped": len(split_across_processes(list(range(3)), pids, 16))}))
    """)
    # The first chunk is this process's; the rest a child's, in order.
    assert result["two"] == [[i, i >= 4] for i in range(7)]
    assert result["capped"] == 3


def test_what_was_alive_before_the_fork_is_frozen_for_the_children_only_while_they_run() -> None:
    result = _fresh_python("""
        import gc
        def frozen(chunk):
            return [gc.get_freeze_count() > 0 for _ in chunk]
        print(json.dumps({"during": split_across_processes([1, 2], frozen, 2), "after": gc.get_freeze_count()}))
    """)
    assert result == {"during": [True, True], "after": 0}


def test_with_another_thread_running_nothing_forks() -> None:
    result = _fresh_python("""
        stop = threading.Event()
        threading.Thread(target=stop.wait, daemon=True).start()
        print(json.dumps({"allowed": forkable_processes(4), "run": split_across_processes([1, 2, 3], pids, 4)}))
        stop.set()
    """)
    assert result == {"allowed": 1, "run": [[1, False], [2, False], [3, False]]}


def test_a_childs_exception_is_raised_here() -> None:
    result = _fresh_python("""
        def fails_in_child(chunk):
            if os.getpid() != parent:
                raise ValueError(f"bad item {chunk[0]}")
            return list(chunk)
        try:
            split_across_processes([1, 2, 3, 4], fails_in_child, 2)
        except ValueError as exc:
            import traceback
            print(json.dumps({"raised": str(exc), "printed": "".join(traceback.format_exception(exc))}))
    """)
    assert result["raised"] == "bad item 3"
    # What -v prints: the child's own frames (pickling keeps none), then the exception as raised here.
    printed = str(result["printed"])
    assert "ChildTraceback" in printed and ", in fails_in_child\n" in printed
    assert printed.index("fails_in_child") < printed.index("direct cause") < printed.rindex("split_across_processes")


def test_a_result_that_does_not_pickle_is_computed_here() -> None:
    result = _fresh_python("""
        def unpicklable(chunk):
            return [(item, os.getpid() != parent, lambda: None) for item in chunk]
        print(json.dumps([r[:2] for r in split_across_processes([1, 2, 3, 4], unpicklable, 2)]))
    """)
    assert result == [[1, False], [2, False], [3, False], [4, False]]


def test_ctrl_c_in_a_child_interrupts_this_process_and_no_child_is_left() -> None:
    result = _fresh_python("""
        def interrupted_child(chunk):
            if os.getpid() != parent:
                os.kill(os.getpid(), signal.SIGINT)
            return list(chunk)
        try:
            split_across_processes([1, 2, 3, 4], interrupted_child, 2)
            print(json.dumps({"interrupted": False}))
        except KeyboardInterrupt:
            try:
                os.waitpid(-1, os.WNOHANG)
                left = True
            except ChildProcessError:
                left = False
            print(json.dumps({"interrupted": True, "children_left": left}))
    """)
    assert result == {"interrupted": True, "children_left": False}
