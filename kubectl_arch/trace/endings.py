"""How containers end: crash loops in a live pod, and the last word on a finished one.

A crash loop is not a failure to start: the container started, then stopped, and the kubelet restarts
it after a back-off that doubles from 10 s up to 5 minutes. A Succeeded or Failed pod is finished, not
in progress: the verdict names the container, its exit code, reason and time, and points at its log.
"""

from __future__ import annotations

import datetime as dt
import re

from kubectl_arch.model import raw
from kubectl_arch.model.durations import parse_go_duration
from kubectl_arch.trace.diagnose import DOCS, Commands, Diagnosis, failed_pod_problem
from kubectl_arch.trace.podview import ContainerView, PodView
from kubectl_arch.wording import plural

RESTARTS_DOC = f"{DOCS}/concepts/workloads/pods/pod-lifecycle/#container-restarts"
BACKOFF_INITIAL_SECONDS, BACKOFF_MAX_SECONDS = 10.0, 300.0
_BACKOFF = re.compile(r"back-off (\S+) restarting failed container")


def _stamp(container: ContainerView, last: bool) -> str:
    when = container.last_finished if last else container.finished
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else "an unknown time"


def termination_line(container: ContainerView) -> str:
    """"name: exited 42 (Error) at T; 3 restarts" from the current or, if running/waiting, the last run."""
    if container.state == "terminated":
        code, reason, when = container.exit_code, container.reason, _stamp(container, last=False)
    else:
        code, reason, when = container.last_exit_code, container.last_reason, _stamp(container, last=True)
    now = f"; now {container.state}" + (f" ({container.reason})" if container.reason else "") \
        if container.state != "terminated" else ""
    ended = f"exited {code} ({reason or '?'}) at {when}" if code is not None else "no termination recorded"
    return f"{container.name}: {ended}; {plural(container.restarts, 'restart')}{now}"


def backoff_text(container: ContainerView) -> str:
    """The current restart back-off: the kubelet's own words when it waits, else the doubling rule."""
    match = _BACKOFF.search(container.message)
    if match and parse_go_duration(match.group(1)) is not None:
        return f"the kubelet waits {match.group(1)} before the next restart (its CrashLoopBackOff message)"
    seconds = min(BACKOFF_MAX_SECONDS, BACKOFF_INITIAL_SECONDS * 2 ** max(0, container.restarts - 1))
    return (f"the next restart comes after a back-off of about {seconds:.0f}s (10 s doubled per restart, at "
            "most 5 minutes; reset after 10 minutes running)")


def crash_problem(view: PodView) -> Diagnosis | None:
    """An app container started and stopped, in a pod that will restart it: CrashLoopBackOff or between runs."""
    commands = Commands(view)
    for container in view.kept_running():
        looping = container.state == "waiting" and container.reason == "CrashLoopBackOff"
        between = container.state == "terminated" and not view.terminal
        if not (looping or between) or container.failed_to_start:  # never ran: containers-started says why
            continue
        last = not between
        code = container.last_exit_code if last else container.exit_code
        reason = (container.last_reason if last else container.reason) or "Error"
        killed = "" if reason == "OOMKilled" else _killed_by_kubelet(view, container, last)  # the kernel's word wins
        return Diagnosis(
            "CrashLoopBackOff" if looping else "ContainerExited",
            f"Container {container.name!r} started and did not stay up: it exited {code} ({reason}) at "
            f"{_stamp(container, last)}, {plural(container.restarts, 'restart')} so far. "
            f"{killed or _why(view, container, code, reason)} {_sentence(backoff_text(container))}. "
            + ("Its previous run's log shows what the process was doing." if killed
               else "Its previous run's log says why it stopped."),
            (commands.logs(container.name, previous=last or container.restarts > 0), commands.describe,
             commands.jsonpath(f'.spec.{_specs(container)}[?(@.name=="{container.name}")].resources')),
            RESTARTS_DOC,
            (f"last termination: {reason} exit code {code} at {_stamp(container, last)}",))
    return None


# The kubelet's back-off entry expires twice its 5-minute maximum after it was last set (at the previous restart):
# a failure later than that is restarted at once, as a first one is.
BACKOFF_RESET_SECONDS = 600.0


def restarted_after_backoff(container: ContainerView) -> bool:
    """Whether the restart that began the current run waited out a CrashLoopBackOff, as the kubelet decides it: a
    first failure (restartCount 1) is restarted at once and only sets the back-off; a later one waits when it came
    within 10 minutes of the previous restart (the last run's start). Unknown run times count as a wait."""
    if container.restarts < 2:
        return False
    began, ended = container.last_started, container.last_finished
    return began is None or ended is None or (ended - began).total_seconds() < BACKOFF_RESET_SECONDS


def restart_words(container: ContainerView) -> str:
    """"restarted once (last exit 1 (Error) at T)": how often, and how the run before this one ended."""
    times = "once" if container.restarts == 1 else plural(container.restarts, "time")
    code = container.last_exit_code
    ended = (f"last exit {code} ({container.last_reason or 'Error'}) at {_stamp(container, last=True)}"
             if code is not None else "its last exit not recorded")
    return f"restarted {times} ({ended})"


def restarted_at_once(container: ContainerView) -> str:
    """For a restart without a back-off: how often, the last exit, and why the kubelet did not wait."""
    why = ("a first failure is restarted without a back-off" if container.restarts == 1 else
           "the run before it lasted over 10 minutes, so the kubelet's back-off had expired and it restarted at "
           "once")
    return f"{restart_words(container)}: {why}, so this is not a crash loop"


def restarting_problem(view: PodView, now: dt.datetime) -> Diagnosis | None:
    """A not-Ready pod caught in one of its short runs: restarted after a back-off and running for less than the
    10 minutes after which a new failure would be restarted at once, so the loop is not over."""
    if view.condition_true("Ready"):
        return None
    for container in view.kept_running():
        running_for = (now - container.started).total_seconds() if container.started else None
        if container.state != "running" or not restarted_after_backoff(container) or running_for is None \
                or running_for >= BACKOFF_RESET_SECONDS or container.last_exit_code is None:
            continue
        code, reason = container.last_exit_code, container.last_reason or "Error"
        killed = "" if reason == "OOMKilled" else _killed_by_kubelet(view, container, last=True)
        commands = Commands(view)
        return Diagnosis(
            reason,
            f"Container {container.name!r} is running again since {_clock(container.started)}, but it has been "
            f"restarted {plural(container.restarts, 'time')}, the last time after exiting {code} ({reason}) at "
            f"{_stamp(container, last=True)}: it is crash-looping, caught between failures. "
            f"{killed or _why(view, container, code, reason)} The kubelet counts it stable after 10 minutes of "
            "running.",
            (commands.logs(container.name, previous=True), commands.describe,
             commands.jsonpath(f'.spec.{_specs(container)}[?(@.name=="{container.name}")].resources')),
            RESTARTS_DOC, (f"last termination: {reason} exit code {code} at {_stamp(container, last=True)}",))
    return None


def _clock(when: dt.datetime | None) -> str:
    return when.strftime("%H:%M:%S") if when else "an unknown time"


def _killed_by_kubelet(view: PodView, container: ContainerView, last: bool) -> str:
    """The kubelet's own reason for stopping the run, from its events during that run: a failed liveness or startup
    probe ("Container x failed liveness probe, will be restarted") or a failed postStart hook. The exit code then
    only says which signal ended it."""
    started = container.last_started if last else container.started
    during = [e for e in view.events if e.container == container.name and e.init_container == container.init
              and (started is None or (e.last is not None and e.last >= started))]
    hook = [e for e in during if e.reason == "FailedPostStartHook"]
    if hook:
        said = next((e.message for e in reversed(hook) if e.message != "PostStartHook failed"), hook[-1].message)
        return (f"Its postStart hook failed, so the kubelet killed it ({said}): fix the hook's command or request, or "
                "what it depends on.")
    for probe in ("liveness", "startup"):
        if any(e.reason == "Killing" and f"failed {probe} probe" in e.message for e in during):
            failures = [e for e in during if e.reason == "Unhealthy" and e.message.lower().startswith(probe)]
            seen = f" (last failure: {failures[-1].message})" if failures else ""
            return (f"The kubelet killed it because its {probe} probe failed{seen}: check the probe's path, port and "
                    "timing against how long the application takes to start and answer.")
    return ""


def _why(view: PodView, container: ContainerView, code: int | None, reason: str) -> str:
    if reason == "OOMKilled":
        return (f"It was OOMKilled: the kernel killed it for using more memory than its limit "
                f"({_memory_limit(view, container.name)}). Raise the memory limit or find what grows in the process.")
    if code == 0:
        return ("Its process exits successfully (code 0), but with restartPolicy "
                f"{view.restart_policy} the kubelet restarts it: a long-running workload must keep running.")
    if code == 137:
        return "It was killed (exit 137, SIGKILL): often a failing liveness probe or memory pressure."
    return f"Its process exits with code {code} ({reason}): its own log says why."


def _specs(container: ContainerView) -> str:
    """Where the container's spec is: a sidecar's among the init containers."""
    return "initContainers" if container.init else "containers"


def _memory_limit(view: PodView, name: str) -> str:
    for spec in raw.sequence(view.spec.get("containers")) + raw.sequence(view.spec.get("initContainers")):
        if isinstance(spec, dict) and spec.get("name") == name:
            limit = raw.mapping(raw.mapping(spec.get("resources")).get("limits")).get("memory")
            return f"limits.memory {limit}" if limit else "no limit set, so the node's memory"
    return "unknown"


def _deciding_container(view: PodView) -> ContainerView | None:
    """The container that decided the pod's end: a failed one first, else the last to finish."""
    ended = [c for c in view.containers() + view.containers(init=True) if c.state == "terminated"]
    failed = [c for c in ended if c.exit_code not in (0, None)]
    pool = failed or ended
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return max(pool, key=lambda c: c.finished or epoch) if pool else None


def finished_verdict(view: PodView) -> Diagnosis | None:
    """"finished: container X exited 42 (Error) at T", with the log to read next; None for a live pod."""
    if not view.terminal:
        return None
    commands = Commands(view)
    container = _deciding_container(view)
    owner = next((r.get("kind") for r in raw.sequence(raw.mapping(view.pod.get("metadata")).get("ownerReferences"))
                  if isinstance(r, dict) and r.get("controller")), None)
    after = _job_sentence(view) if owner == "Job" else ""
    rejected = failed_pod_problem(view)  # evicted or refused by the kubelet: the pod's reason beats any container's
    if rejected is not None:
        return Diagnosis(rejected.reason, f"finished: the pod failed ({rejected.reason}). {rejected.explanation}",
                         rejected.next, rejected.docs, (f"status.reason {rejected.reason}", *rejected.evidence))
    if container is None:
        return Diagnosis(view.phase, f"finished: the pod is {view.phase}, with no container termination recorded.",
                         (commands.describe,))
    code, reason = container.exit_code, container.reason or ("Completed" if container.exit_code == 0 else "Error")
    kind = "init container" if container.init else "container"
    headline = f"finished: {kind} {container.name} exited {code} ({reason}) at {_stamp(container, last=False)}"
    phase = (f"The pod {view.phase}" + (f" ({view.status.get('reason')})" if view.status.get("reason") else "")
             + f"; restartPolicy {view.restart_policy}, so nothing runs again in this pod.")
    return Diagnosis(
        reason if view.phase == "Failed" else "Completed",
        f"{headline}. {phase}{after}",
        (commands.logs(container.name), commands.describe),
        f"{DOCS}/concepts/workloads/pods/pod-lifecycle/#pod-phase",
        (f"{container.name}: terminated, exit code {code}, reason {reason}",))


def _job_sentence(view: PodView) -> str:
    """What a finished pod means to its Job: a success counts toward completions, only a failure is retried
    (saying backoffLimit of a Succeeded pod read as a failed attempt)."""
    if view.phase == "Succeeded":
        return (" Its Job counts it as a success toward spec.completions: the Job is complete once enough pods "
                "have succeeded (`kubectl describe job`).")
    return (" Its Job counts it as a failed attempt: the Job controller retries with a new pod until backoffLimit "
            "retries are used up or a podFailurePolicy rule ends the Job (`kubectl describe job`).")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
