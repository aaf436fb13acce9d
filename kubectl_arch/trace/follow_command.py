"""The watch loop behind ``trace --follow``: GET the pod once, then watch it until done or timed out.

The loop owns the only wall clock in trace (the --timeout deadline); what each pod update means is
decided by the pure ``Follower``. A watch the server ends early is restarted until the deadline; a
watch that ends with no news at all (nothing can change, as offline) ends following.
"""

from __future__ import annotations

import time
from typing import Any

from kubectl_arch.collect.source import Source
from kubectl_arch.errors import NotFoundError
from kubectl_arch.trace.follow import Follower, FollowStep
from kubectl_arch.trace.target import Target

RESTART_PAUSE_SECONDS = 1.0


def _pod_name(source: Source, namespace: str, target: Target) -> str:
    if target.is_pod:
        return target.name
    from kubectl_arch.trace.collect import collect_trace

    pod = collect_trace(source, namespace, target).pod
    if not pod:
        raise NotFoundError(f"{target} has no pod to follow in namespace {namespace!r}",
                            hint=f"see why with `kubectl arch trace {target} -n {namespace}` (without --follow)")
    return str(pod["metadata"]["name"])


def run_follow(source: Source, namespace: str, target: Target, output: str, timeout: int) -> None:
    from kubectl_arch.trace.render.follow import FollowPrinter

    name = _pod_name(source, namespace, target)
    printer = FollowPrinter(json_lines=output in ("json", "yaml"))
    follower = Follower(namespace)
    path = f"/api/v1/namespaces/{namespace}/pods"
    first = source.get(f"{path}/{name}")
    if first.ok and isinstance(first.data, dict):
        if _show(printer, follower.update("ADDED", first.data, source.now()), follower):
            return
    elif first.not_found:
        if source.get(f"/api/v1/namespaces/{namespace}").not_found:
            raise NotFoundError(f"namespace {namespace!r} does not exist",
                                hint="list them with `kubectl get namespaces`")
        printer.waiting(f"pod {namespace}/{name} does not exist yet: waiting for it to be created")
    deadline = time.monotonic() + timeout
    while (remaining := int(deadline - time.monotonic())) > 0:
        progress = len(follower.reported)
        news = False
        for event in source.watch(path, {"fieldSelector": f"metadata.name={name}"}, timeout_seconds=remaining):
            news = True
            if _handle(printer, follower, event, source):
                return
        if not news:
            break
        if len(follower.reported) == progress:
            time.sleep(min(RESTART_PAUSE_SECONDS, max(0.0, deadline - time.monotonic())))  # do not hammer the server
    printer.timed_out(timeout, follower)


def _handle(printer: Any, follower: Follower, event: dict[str, Any], source: Source) -> bool:
    """Apply one watch event; True when following is over."""
    kind, obj = event.get("type", ""), event.get("object")
    if kind == "ERROR" or not isinstance(obj, dict):
        message = obj.get("message") if isinstance(obj, dict) else None
        printer.waiting(f"the watch reported an error ({message or 'no message'}); watching again")
        return False
    if kind == "BOOKMARK":
        return False
    return _show(printer, follower.update(kind, obj, source.now()), follower)


def _show(printer: Any, step: FollowStep, follower: Follower) -> bool:
    for stage in step.completed:
        printer.completed(stage, follower.created)
    if step.finished:
        printer.finished(step)
    return step.finished



