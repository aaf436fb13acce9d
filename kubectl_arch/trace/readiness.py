"""What a running pod that is not Ready yet waits for, said from its spec and status rather than assumed.

A container without a readiness probe is ready as soon as it has started (after its startup probe, if it has
one): the API's ContainerStatus.ready "defaults to true once the container is fully started". Ready then also
waits for every readiness gate the spec lists. So "not passed its readiness probe" is true only of a container
that has one; the others wait for a start, a startup probe, the kubelet's next status update, or a gate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.model import raw
from kubectl_arch.trace.endings import restarted_after_backoff, restarted_at_once
from kubectl_arch.trace.podview import ContainerView, PodView
from kubectl_arch.wording import listed

STATUS_LAG = "the pod status read has not caught up yet (the kubelet normally reports it within seconds)"


def _specs(view: PodView) -> dict[tuple[bool, str], Mapping[str, Any]]:
    """Each container's spec by (is init container, name)."""
    specs: dict[tuple[bool, str], Mapping[str, Any]] = {}
    for init, key in ((False, "containers"), (True, "initContainers")):
        for spec in raw.sequence(view.spec.get(key)):
            if isinstance(spec, Mapping):
                specs[(init, str(spec.get("name", "")))] = spec
    return specs


def _container_wait(view: PodView, container: ContainerView, spec: Mapping[str, Any]) -> str:
    """What one running, not-ready container waits for."""
    name = f"{'sidecar' if container.init else 'container'} {container.name!r}"
    if spec.get("startupProbe") and container.passed_startup is not True:
        return (f"{name} waits for its startup probe to pass (no failure reported); its readiness probe, if any, "
                "runs only after that")
    if spec.get("readinessProbe"):
        return f"{name} waits for its readiness probe to pass (no failure reported yet)"
    return f"{name} has no readiness probe, so it is ready once started, and {STATUS_LAG}"


def awaited(view: PodView) -> str:
    """The ready step's in-progress text: per container, then ContainersReady, then the readiness gates."""
    specs = _specs(view)
    waits, restarts = [], []
    for container in view.kept_running():
        if container.init and container.name not in view.sidecars():
            continue
        if container.restarts and not restarted_after_backoff(container):
            restarts.append(f"{container.name!r} {restarted_at_once(container)}")
        if container.ready:
            continue
        if container.state != "running":  # its start was seen (this step follows it): in events newer than this
            state = container.state + (f" ({container.reason})" if container.reason else "")
            waits.append(f"{container.name!r} started (events newer than the pod status show it), but the status "
                         f"still reads {state}: the kubelet normally reports a start within seconds")
        else:
            waits.append(_container_wait(view, container, specs.get((container.init, container.name), {})))
    gates = [str(g.get("conditionType")) for g in raw.sequence(view.spec.get("readinessGates"))
             if isinstance(g, Mapping)]
    if waits:
        text = f"The pod is not Ready yet: {listed(waits)}."
    elif not view.condition_true("ContainersReady"):
        text = f"Every container reports ready, but ContainersReady is not True: {STATUS_LAG}."
    elif gates:
        text = (f"The containers are ready; Ready also waits for the readiness gate(s) {', '.join(gates)}, which "
                "the controller that owns them sets (none has reported failure).")
    else:
        text = f"The containers are ready, and Ready is not True yet: {STATUS_LAG}."
    if restarts:
        text += f" {_capital('; '.join(restarts))}."
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def init_awaited(view: PodView) -> str | None:
    """The init step's in-progress text when a sidecar holds it: the kubelet starts the next container only once
    the sidecar has started, which with a startup probe means once that probe passed (KEP-753)."""
    specs = _specs(view)
    waiting = [c.name for c in view.containers(init=True) if c.name in view.sidecars() and c.state == "running"
               and c.passed_startup is False and specs.get((True, c.name), {}).get("startupProbe")]
    if not waiting:
        return None
    return (f"Sidecar {', '.join(repr(n) for n in waiting)} runs and waits for its startup probe to pass (no "
            "failure reported); the kubelet starts the next init container, then the app containers, only after.")
