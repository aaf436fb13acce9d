"""Why a pod is being deleted, from its DisruptionTarget condition (Kubernetes 1.26 on), and how long it has left.

A deleted pod keeps running until its grace period ends (``deletionTimestamp`` is the deletion time plus the
grace period): until then trace must not call it simply "Running and Ready". The condition's reasons are the
documented five (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions);
without it (a user's or a controller's delete, or an older cluster) the cause is not in the pod.
"""

from __future__ import annotations

import datetime as dt

from kubectl_arch.model import raw
from kubectl_arch.trace.podview import PodView

_DISRUPTIONS = {
    "PreemptionByScheduler": "the scheduler preempted it to make room for a higher-priority pod",
    "DeletionByTaintManager": "its node has a NoExecute taint it does not tolerate (the node lifecycle controller "
                              "evicts pods from a node that is NotReady or unreachable this way)",
    "EvictionByEvictionAPI": "it was evicted through the Eviction API (kubectl drain, or an autoscaler or other tool "
                             "that respects PodDisruptionBudgets)",
    "DeletionByPodGC": "its node no longer exists, so the pod garbage collector deletes it",
    "TerminationByKubelet": "the kubelet terminated it (node-pressure eviction, graceful node shutdown, or room for a "
                            "system-critical pod)",
}


def disruption_cause(view: PodView) -> str:
    """Why the pod is being deleted, in words, from DisruptionTarget (its message kept) or the Preempted event."""
    condition = view.condition("DisruptionTarget")
    if condition is not None and condition.get("status") == "True":
        reason = str(condition.get("reason") or "")
        cause = _DISRUPTIONS.get(reason, f"DisruptionTarget {reason or '(no reason)'}")
        message = str(condition.get("message") or "")
        return f"{cause}: {message}" if message else cause
    preempted = view.last_event("Preempted")
    if preempted is not None:
        return f"the scheduler preempted it ({preempted.message})"
    return "no DisruptionTarget condition says why: most often a user's or a controller's delete, such as a rollout's"


def deleting_words(view: PodView, now: dt.datetime) -> str | None:
    """"being deleted (why); its grace period ends at T ...": None for a pod not being deleted. A mirror pod's
    delete stops nothing (https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/: mirror pods "cannot
    be controlled from there"; the kubelet re-creates the mirror of a running static pod, kubernetes#22625)."""
    deadline = view.deleting_since
    if deadline is None:
        return None
    if view.mirror:  # the API's copy only: deleting it stops nothing
        return ("a static pod's mirror, being deleted through the API: a static pod cannot be controlled from there, "
                "so the kubelet keeps running it from its manifest and writes a new mirror (remove the manifest "
                "file on the node to stop it)")
    if view.terminal:  # Succeeded or Failed: no process is left for a grace period to stop
        return f"being deleted ({disruption_cause(view)}); it has finished, so nothing of it runs any more"
    grace = raw.integer(raw.mapping(view.pod.get("metadata")).get("deletionGracePeriodSeconds"))
    period = f" ({grace} s)" if grace is not None else ""
    when = deadline.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    ends = (f"ends at {when}, when the kubelet kills what still runs" if deadline > now else
            f"ended at {when}, so the kubelet is stopping what still runs")
    return f"being deleted ({disruption_cause(view)}); its grace period{period} {ends}"
