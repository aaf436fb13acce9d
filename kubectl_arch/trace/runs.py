"""Each container's first run, as the kubelet performed it: image pull, then create and start.

The kubelet's ``SyncPod`` starts each container in spec order (init containers one by one, then the app
containers), and ``startContainer`` pulls that container's image just before creating it (see
docs/pod-lifecycle.md). Events give the exact first pull and start; the status keeps only the latest
run, so a container that restarted and lost its events has its first start approximated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kubectl_arch.trace.events import EventView, parse_pulled
from kubectl_arch.trace.podview import ContainerView, PodView

# Waiting reasons the kubelet reaches only after the image is on the node.
AFTER_PULL_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError", "RunContainerError",
                                "PostStartHookError", "CrashLoopBackOff"})
# Waiting reasons that say the container has not started yet (a status the events may have overtaken).
NOT_YET_STARTED = frozenset({"ContainerCreating", "PodInitializing", ""})


@dataclass
class ContainerRun:
    """One container's first pull and start, and where each time came from."""

    name: str
    init: bool
    sidecar: bool
    status: ContainerView | None
    pull_start: dt.datetime | None = None
    pull_end: dt.datetime | None = None
    pull_text: str = ""
    first_start: dt.datetime | None = None
    start_approximate: bool = False
    start_from_newer_event: bool = False

    @property
    def has_image(self) -> bool:
        status = self.status
        return (self.pull_end is not None or self.first_start is not None
                or (status is not None and (status.ran or status.reason in AFTER_PULL_REASONS)))

    @property
    def started(self) -> bool:
        """Started and still starting: a container whose start now fails (the runtime cannot run its process,
        its postStart hook fails) is stuck starting, whatever an earlier Started event says."""
        if self.status is not None and self.status.failed_to_start:
            return False
        return self.first_start is not None or (self.status is not None and self.status.ran)

    @property
    def exited_ok(self) -> bool:
        status = self.status
        return status is not None and status.state == "terminated" and status.exit_code == 0


def _first(events: list[EventView], reason: str, name: str, init: bool) -> EventView | None:
    return next((e for e in events if e.reason == reason and e.container == name and e.init_container == init
                 and e.first is not None), None)


def container_runs(view: PodView, init: bool) -> list[ContainerRun]:
    """The runs of the init (or app) containers in spec order, statuses matched by name."""
    statuses = {c.name: c for c in view.containers(init=init)}
    sidecars = view.sidecars() if init else set()
    newest_status = view.status_time()
    runs = []
    for name in view.spec_container_names(init=init) or list(statuses):
        run = ContainerRun(name=name, init=init, sidecar=name in sidecars, status=statuses.get(name))
        pulling, pulled = (_first(view.events, r, name, init) for r in ("Pulling", "Pulled"))
        if pulled is not None:
            info = parse_pulled(pulled.message)
            run.pull_end = pulled.first
            run.pull_start = pulling.first if pulling is not None and pulling.first and pulled.first and \
                pulling.first <= pulled.first else pulled.first
            image = f"{info.image} " if info and info.image else "image "
            run.pull_text = image + ("already present" if info and info.already_present else
                                     f"pulled in {info.seconds}s" if info and info.seconds is not None else "pulled")
        elif pulling is not None:  # pulling, or failing to pull, since its first attempt
            run.pull_start = pulling.first
        started_event = _first(view.events, "Started", name, init)
        status = run.status
        if started_event is not None:
            run.first_start = started_event.first
            waiting = status is not None and status.state == "waiting" and status.reason in NOT_YET_STARTED
            if (status is None or waiting) and (newest_status is None or started_event.first is None
                                                or started_event.first >= newest_status):
                run.start_from_newer_event = True
        elif status is not None:
            starts = [t for t in (status.started, status.last_started) if t is not None]
            run.first_start = min(starts, default=None)
            run.start_approximate = run.first_start is not None and runs_before_known(status) > 0
        runs.append(run)
    return runs


def runs_before_known(status: ContainerView) -> int:
    """How many of the container's runs came before the oldest one its status keeps: the status holds the
    current run and the last one that ended (lastState), which is the current one while it waits to restart."""
    keeps_previous = status.state != "waiting" and status.last_started is not None
    return max(0, status.restarts - (1 if keeps_previous else 0))


def start_unknown(run: ContainerRun, floor: dt.datetime | None) -> bool:
    """Whether the first start is only a bound ("at or before") that leaves room after ``floor``, the
    earliest it could be: then how long the pull and the start took is unknown, not up to the bound."""
    return run.start_approximate and run.first_start is not None and (floor is None or run.first_start > floor)


def describe_run(run: ContainerRun, at: str) -> str:
    """One evidence line: the image, the first start, and how the container ends or runs now."""
    status = run.status
    role = " (sidecar: restartPolicy Always)" if run.sidecar else ""
    parts = [run.pull_text] if run.pull_text else []
    if run.first_start is not None:
        approx = "at or before " if run.start_approximate else ""
        source = " (event Started, newer than the pod status)" if run.start_from_newer_event else ""
        parts.append(f"first started {approx}{at}{source}")
    if status is not None:
        if status.state == "terminated":
            parts.append(f"exited {status.exit_code} ({status.reason or '?'})")
        elif status.state == "waiting":
            parts.append(f"waiting: {status.reason or '?'}")
        elif status.state == "running":
            parts.append("running")
        if status.restarts:
            parts.append(f"{status.restarts} restart(s)")
    return f"{run.name}{role}: " + (", ".join(parts) if parts else "no status yet")
