"""The node-side steps, in the kubelet's order (docs/pod-lifecycle.md): sandbox, init containers one by
one, app containers one by one (each image pull inside its container's start), probes, Ready.

Each builder starts where the previous step ended. Times come from the pod's conditions and container
states first and events second; a time bounded rather than read is marked approximate. A pod whose
containers have run had a sandbox, even when PodReadyToStartContainers is now False (the kubelet tears the
sandbox down when a pod finishes, KEP-3085) or absent (before 1.29).
"""

from __future__ import annotations

import datetime as dt

from kubectl_arch.model.raw import parse_time
from kubectl_arch.trace import diagnose, endings
from kubectl_arch.trace.runs import ContainerRun, container_runs, describe_run, start_unknown
from kubectl_arch.trace.stage import Stage, StageInputs, StageStatus, fail_if


def _earliest_activity(inputs: StageInputs) -> dt.datetime | None:
    """The first sign of any container being worked on: a pull, a create, a start (all follow the sandbox)."""
    view = inputs.view
    times = [e.first for e in view.events_with("Pulling", "Pulled", "Created", "Started") if e.container]
    for run in container_runs(view, init=True) + container_runs(view, init=False):
        times.append(run.first_start)
    return min((t for t in times if t is not None), default=None)


def first_node_time(inputs: StageInputs) -> dt.datetime | None:
    """The earliest time the kubelet recorded for this pod: admission, sandbox, or any container work."""
    view = inputs.view
    times = [parse_time(view.status.get("startTime")), view.condition_time("PodReadyToStartContainers"),
             _earliest_activity(inputs)]
    return min((t for t in times if t is not None), default=None)


def sandbox_ready(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    stage = Stage("sandbox-ready", StageStatus.IN_PROGRESS, previous.anchor, None, f"{view.kubelet} (runtime + CNI)")
    admitted = parse_time(view.status.get("startTime"))
    if admitted:
        stage.evidence.append(f"kubelet admitted the pod at {inputs.at(admitted)} (status.startTime)")
    condition = view.condition("PodReadyToStartContainers")
    ready_at = view.condition_time("PodReadyToStartContainers")
    activity = _earliest_activity(inputs)
    if ready_at and activity is not None and ready_at > activity:
        stage.status, stage.end, stage.approximate = StageStatus.DONE, activity, True
        stage.evidence.append(f"PodReadyToStartContainers=True since {inputs.at(ready_at)}, later than container "
                              f"work at {inputs.at(activity)} (the condition was set again, e.g. after a kubelet "
                              "restart): the sandbox was ready by then")
    elif ready_at:
        stage.status, stage.end = StageStatus.DONE, ready_at
        stage.evidence.append(f"PodReadyToStartContainers=True at {inputs.at(ready_at)}")
    elif activity is not None or any(r.started for r in container_runs(view, False) + container_runs(view, True)):
        stage.status, stage.end, stage.approximate = StageStatus.DONE, activity, True
        why = ("PodReadyToStartContainers=False now: the kubelet tears the sandbox down when the pod finishes "
               "or is being restarted" if condition is not None else
               "no PodReadyToStartContainers condition (before Kubernetes 1.29, or the feature is off)")
        stage.evidence.append(f"{why}; containers were worked on from {inputs.at(activity)}, so the sandbox was ready "
                              "by then")
    elif condition is None and view.status.get("podIP"):
        stage.status = StageStatus.DONE
        stage.evidence.append("no PodReadyToStartContainers condition (before Kubernetes 1.29, or the feature is "
                              "off); the pod has an IP, so its sandbox exists")
    if view.status.get("podIP"):
        stage.evidence.append(f"status.podIP={view.status.get('podIP')}")
    if not stage.done:
        fail_if(stage, diagnose.sandbox_problem(view))
        return stage
    churn = diagnose.sandbox_churn(view, inputs.now)  # read in a short window of a sandbox the kubelet keeps losing
    if churn is not None:
        stage.end, stage.approximate = None, False
        stage.evidence.append("the kubelet keeps re-creating the sandbox (SandboxChanged): ready only for now")
        fail_if(stage, churn)
    return stage


def init_containers(inputs: StageInputs, previous: Stage) -> Stage:
    """Each init container in turn: its pull, then a run to completion (a sidecar starts and keeps running)."""
    view = inputs.view
    stage = Stage("init-containers", StageStatus.IN_PROGRESS, previous.anchor, None, view.kubelet)
    runs = container_runs(view, init=True)
    if not runs:
        stage.status, stage.end = StageStatus.DONE if previous.done else StageStatus.IN_PROGRESS, previous.anchor
        stage.evidence.append("no init containers: the kubelet goes on to the app containers")
        return stage
    ends: list[dt.datetime | None] = []
    for run in runs:
        ends.append(run.first_start if run.sidecar else run.status.finished if run.status else None)
        stage.evidence.append(describe_run(run, inputs.at(run.first_start)))
        stage.approximate = stage.approximate or run.start_approximate
    # A sidecar counts once started: with a startup probe, once it passed (status ``started``), not merely running.
    complete = all((run.started and (run.status is None or run.status.passed_startup is not False)) if run.sidecar
                   else run.exited_ok for run in runs)
    initialized = view.condition_time("Initialized")
    if complete or initialized:
        stage.status = StageStatus.DONE
        known = [t for t in ends if t is not None]
        stage.end = max(known, default=initialized)
        if initialized:
            stage.evidence.append(f"Initialized=True at {inputs.at(initialized)}")
        if len(known) < len(ends):
            stage.approximate = True
        return stage
    fail_if(stage, diagnose.image_problem(view, init=True) or diagnose.start_problem(view, init=True)
            or diagnose.init_problem(view))
    return stage


def _app_runs(inputs: StageInputs) -> list[ContainerRun]:
    return container_runs(inputs.view, init=False)


def images_pulled(inputs: StageInputs, previous: Stage) -> Stage:
    """The app containers' images: each pulled just before its container starts, so pulls and starts interleave."""
    view = inputs.view
    stage = Stage("images-pulled", StageStatus.IN_PROGRESS, previous.anchor, None,
                  f"{view.kubelet} (container runtime)")
    runs = _app_runs(inputs)
    for run in runs:
        if run.pull_text:
            stage.evidence.append(f"{run.name}: {run.pull_text}")
            continue
        for event in view.events_with("Pulling"):
            if event.container == run.name and not event.init_container:
                stage.evidence.append(f"event Pulling x{event.count}, last at {inputs.at(event.last)}: {event.message}")
    for event in view.events_with("BackOff", "Failed"):
        if event.message.startswith(("Failed to pull image", "Back-off pulling image")) and not event.init_container:
            stage.evidence.append(f"event {event.reason} x{event.count}, last at {inputs.at(event.last)}: "
                                  f"{event.message}")
    pull_starts = [r.pull_start for r in runs if r.pull_start]
    if pull_starts:
        stage.start = min(pull_starts)
    fail_if(stage, diagnose.image_problem(view, init=False, among={r.name for r in runs if not r.started}))
    if stage.problem is None and runs and all(r.has_image for r in runs):
        stage.status = StageStatus.DONE
        ends = [r.pull_end or r.first_start for r in runs]
        unknown = any(r.pull_end is None and start_unknown(r, stage.start) for r in runs)
        stage.end = None if unknown else max((t for t in ends if t is not None), default=None)
        if any(r.pull_end is None for r in runs):
            stage.approximate = True
            stage.evidence.append("no pull event for some containers (expired or not kept): each image was on the "
                                  "node by its container's first start")
    return stage


def containers_started(inputs: StageInputs, previous: Stage) -> Stage:
    """Each app container in spec order: its pull (previous step's window), create, start."""
    view = inputs.view
    stage = Stage("containers-started", StageStatus.IN_PROGRESS, previous.start or previous.anchor, None, view.kubelet)
    runs = _app_runs(inputs)
    for run in runs:
        stage.evidence.append(describe_run(run, inputs.at(run.first_start)))
    if runs and all(r.started for r in runs):
        stage.status = StageStatus.DONE
        starts = [r.first_start for r in runs]
        unknown = any(start_unknown(r, stage.start) for r in runs)  # the first run is lost to restarts
        stage.end = None if unknown else max((t for t in starts if t is not None), default=None)
        stage.approximate = any(r.start_approximate for r in runs) or None in starts
        if any(r.start_from_newer_event for r in runs):
            stage.evidence.append("events newer than the pod status show the start: the status had not caught up")
        return stage
    fail_if(stage, diagnose.start_problem(view))
    return stage


def needs_staying_up(inputs: StageInputs) -> bool:
    """A step of its own once a started app container has stopped: restarted, or terminated in a live pod (a
    container whose starts fail never got that far: it is stuck at containers-started)."""
    view = inputs.view
    if view.terminal:
        return False  # a finished pod's restarts are part of how it finished (the finished step lists them)
    return any((c.restarts > 0 or c.state == "terminated" or c.reason == "CrashLoopBackOff") and not c.failed_to_start
               for c in view.kept_running())


def staying_up(inputs: StageInputs, previous: Stage) -> Stage:
    """The containers started; do they stay up? Shows the last termination, restarts and the back-off."""
    view = inputs.view
    stage = Stage("staying-up", StageStatus.IN_PROGRESS, previous.anchor, None, f"{view.kubelet} (restarts)")
    for container in view.kept_running():
        if container.restarts or container.state == "terminated":
            stage.evidence.append(endings.termination_line(container))
    # A restart can fail before the process runs (a Secret deleted, an image tag gone under imagePullPolicy Always):
    # the same signatures as a first start, at this step.
    fail_if(stage, endings.crash_problem(view) or diagnose.image_problem(view, init=False)
            or diagnose.start_problem(view))
    if stage.problem is None and all(c.state == "running" for c in view.kept_running()):
        looping = endings.restarting_problem(view, inputs.now)
        if looping is not None:  # running again, but the loop is not over: not a wait for readiness
            stage.problem = looping
            stage.evidence.append("running again, for less than the 10 minutes after which the kubelet counts it "
                                  "stable")
            return stage
        stage.status = StageStatus.DONE
        stage.end = max((c.started for c in view.kept_running() if c.started), default=None)
        stage.evidence.append(f"running again since {inputs.at(stage.end)}")
        stage.evidence.extend(f"{c.name}: {endings.restarted_at_once(c)}" for c in view.kept_running()
                              if c.restarts and not endings.restarted_after_backoff(c))
    return stage


def ready(inputs: StageInputs, previous: Stage) -> Stage:
    view = inputs.view
    ready_at = view.condition_time("Ready")
    stage = Stage("ready", StageStatus.IN_PROGRESS, previous.anchor, None, f"{view.kubelet} (probes)")
    containers_ready = view.condition_time("ContainersReady")
    if containers_ready:
        stage.evidence.append(f"ContainersReady=True at {inputs.at(containers_ready)}")
    if ready_at:
        stage.status, stage.end = StageStatus.DONE, ready_at
        stage.evidence.append(f"Ready=True at {inputs.at(ready_at)}")
        return stage
    condition = view.condition("Ready") or {}
    if condition:
        stage.evidence.append(f"Ready={condition.get('status')} reason {condition.get('reason') or '-'}")
        lost = parse_time(condition.get("lastTransitionTime"))
        if lost and previous.anchor and lost > previous.anchor:
            # Ready is False from a pod's creation; a later change to False means it was Ready and lost it (its
            # node went NotReady, a probe began failing): it is stuck since then, not since its containers started.
            stage.start = lost
            stage.evidence.append(f"was Ready; not Ready since {inputs.at(lost)}")
    fail_if(stage, diagnose.readiness_problem(view))
    return stage


def finished(inputs: StageInputs, previous: Stage) -> Stage:
    """A Succeeded or Failed pod: its containers ran to their end and will not run again."""
    view = inputs.view
    stage = Stage("finished", StageStatus.DONE if view.phase == "Succeeded" else StageStatus.FAILED,
                  previous.anchor, None, view.kubelet)
    ends = [c.finished for c in view.containers() if c.finished]
    stage.end = max(ends, default=None)
    stage.evidence.append(f"phase {view.phase}, restartPolicy {view.restart_policy}")
    for container in view.containers():
        stage.evidence.append(endings.termination_line(container))
    if view.status.get("reason"):
        stage.evidence.append(f"status.reason {view.status.get('reason')}: {view.status.get('message') or '-'}")
    stage.problem = endings.finished_verdict(view)
    return stage
