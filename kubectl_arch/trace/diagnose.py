"""Stuck signatures: what each means in plain words, and the commands that show more.

Each ``*_problem`` function looks at one step's evidence (pod status first, events second) and returns a
``Diagnosis`` or None. Explanations are written for someone meeting the failure for the first time: what
was seen, why it blocks the pod, what to do. The pod's status wins over events when both speak, because
events are merged, rate-limited and expire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.source import Response
from kubectl_arch.model import raw
from kubectl_arch.model.leases import lease_info
from kubectl_arch.trace.disruption import disruption_cause
from kubectl_arch.trace.events import EventView, first_match, parse_failed_scheduling
from kubectl_arch.trace.podview import ContainerView, PodView
from kubectl_arch.wording import plural

DOCS = "https://kubernetes.io/docs"
DEBUG_PODS = f"{DOCS}/tasks/debug/debug-application/debug-pods/"
TERMINATION_SLACK_SECONDS = 30.0
SCHEDULER_GRACE_SECONDS = 30.0  # a pod this young with no scheduling event is simply still queued


@dataclass(frozen=True)
class Diagnosis:
    """Why a step is stuck: a short reason, an explanation, the next commands and where to read more."""

    reason: str
    explanation: str
    next: tuple[str, ...] = ()
    docs: str = DEBUG_PODS
    evidence: tuple[str, ...] = field(default=())


class Commands:
    """The kubectl commands that show more about one pod, spelled for its namespace and uid."""

    def __init__(self, view: PodView) -> None:
        self.pod = f"{view.name} -n {view.namespace}"
        self.namespace = view.namespace
        self.uid = view.uid
        self.node = view.node_name

    @property
    def describe(self) -> str:
        return f"kubectl describe pod {self.pod}"

    @property
    def events(self) -> str:
        return f"kubectl get events -n {self.namespace} --field-selector involvedObject.uid={self.uid}"

    def logs(self, container: str, previous: bool = False) -> str:
        return f"kubectl logs {self.pod} -c {container}" + (" --previous" if previous else "")

    def jsonpath(self, path: str) -> str:
        return f"kubectl get pod {self.pod} -o jsonpath='{{{path}}}'"


# -- scheduling ------------------------------------------------------------------------------------

_REJECTION_ADVICE: dict[str, tuple[str, str, str]] = {
    # category: (plain meaning, what to do, a command showing more ({pod}/{ns} filled in))
    "insufficient-resources": (
        "not enough unreserved capacity for the pod's requests (requests are reservations, not actual use)",
        "lower the pod's requests, free capacity, or add nodes",
        "kubectl describe nodes | grep -A 8 'Allocated resources'"),
    "taint": (
        "a taint the pod does not tolerate (control-plane nodes carry one so ordinary workloads stay off them)",
        "run on other nodes, or add a toleration if the pod really belongs there",
        "kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints"),
    "node-affinity": (
        "labels that do not match the pod's nodeSelector or node affinity",
        "fix the selector or label the intended nodes",
        "kubectl get nodes --show-labels"),
    "volume-node-affinity": (
        "no access to the zone or node where the pod's volume lives",
        "schedule the pod where the volume is, or use a StorageClass with WaitForFirstConsumer",
        "kubectl get pv -o custom-columns=NAME:.metadata.name,NODE-AFFINITY:.spec.nodeAffinity"),
    "missing-volume-object": (
        "a PersistentVolumeClaim (or its StorageClass) that does not exist",
        "create it, or fix the claim's name in the pod",
        "kubectl get pvc,storageclass -n {ns}"),
    "unbound-volume": (
        "a PersistentVolumeClaim that is not bound to a volume yet",
        "check the claim's StorageClass and provisioner",
        "kubectl get pvc -n {ns}"),
    "pod-anti-affinity": (
        "pods that this pod's anti-affinity rules (or theirs) forbid it to share a node or zone with",
        "add nodes or zones, or relax required anti-affinity to preferred",
        "kubectl get pod {pod} -o jsonpath='{{.spec.affinity}}'"),
    "pod-affinity": (
        "none of the pods this pod's affinity rules require next to it",
        "start the pods it must sit beside, or relax the rule",
        "kubectl get pod {pod} -o jsonpath='{{.spec.affinity}}'"),
    "unschedulable-node": (
        "scheduling disabled: they are cordoned (kubectl cordon or a drain in progress)",
        "uncordon them when maintenance ends",
        "kubectl get nodes"),
    "topology-spread": (
        "a placement that would break the pod's topology spread constraints",
        "add capacity in the under-used zones or relax maxSkew / whenUnsatisfiable",
        "kubectl get pod {pod} -o jsonpath='{{.spec.topologySpreadConstraints}}'"),
    "host-ports": (
        "the hostPort the pod asks for already taken",
        "drop the hostPort or run fewer replicas per node",
        "kubectl get pod {pod} -o jsonpath='{{.spec.containers[*].ports}}'"),
    "too-many-pods": (
        "their maximum pod count reached (kubelet --max-pods)",
        "add nodes or raise max-pods",
        "kubectl describe nodes | grep -E 'Name:|pods:'"),
    "not-ready-node": (
        "a NotReady status, so nothing new is placed on them",
        "repair the nodes",
        "kubectl get nodes"),
    "node-pressure": (
        "a condition taint the node controller set (memory, disk or PID pressure, or no network yet), so new pods "
        "stay off until the condition clears",
        "free memory or disk on them, or fix their network; the taint goes when the condition does",
        "kubectl describe nodes | grep -E '^Name:|^Taints:|Pressure|NetworkUnavailable'"),
}


# Reasons about the pod itself, found before any node is tried (the VolumeBinding plugin's PreFilter): the pod,
# not "N node(s)", has them, whatever count older schedulers put before the text.
POD_LEVEL_REJECTIONS = frozenset({"unbound-volume", "missing-volume-object"})


def scheduling_problem(view: PodView, lease: Response | None, now: dt.datetime) -> Diagnosis | None:
    """Why the pod has no node: gates, the scheduler's refusal, or no scheduler at work."""
    commands = Commands(view)
    condition = view.condition("PodScheduled") or {}
    gated = _gated(view, condition, "SchedulingGated", ("schedulingGates", "name"),
                   "The pod is held by scheduling gates ({}): the scheduler ignores it until the controller that "
                   "added the gates removes them.", ".spec.schedulingGates",
                   f"{DOCS}/concepts/scheduling-eviction/pod-scheduling-readiness/")
    if gated is not None:
        return gated
    event = view.last_event("FailedScheduling")
    message = str(condition.get("message") or "") if condition.get("reason") == "Unschedulable" else ""
    message = message or (event.message if event else "")
    if message:
        return _unschedulable(view, message, commands)
    young = view.created is not None and (now - view.created).total_seconds() < SCHEDULER_GRACE_SECONDS
    if view.events_with("Scheduled") or lease is None or young:
        return None  # scheduled, not checked (no Lease read, as in --follow), or simply queued
    return _no_scheduler(view, lease, now, commands)


def _gated(view: PodView, condition: Mapping[str, Any], reason: str, gates: tuple[str, str], text: str,
           jsonpath: str, docs: str) -> Diagnosis | None:
    """A condition held back by gates listed in the spec (scheduling gates, readiness gates)."""
    if condition.get("reason") != reason:
        return None
    field_name, key = gates
    names = [str(item.get(key)) for item in raw.sequence(view.spec.get(field_name)) if isinstance(item, Mapping)]
    commands = Commands(view)
    return Diagnosis(reason, text.format(", ".join(names) or f"spec.{field_name}"),
                     (commands.jsonpath(jsonpath), commands.describe), docs)


def _unschedulable(view: PodView, message: str, commands: Commands) -> Diagnosis:
    failure = parse_failed_scheduling(message)
    nodes = f"all {failure.total_nodes} nodes" if failure.total_nodes is not None else "the nodes"
    if failure.reasons and all(r.category in POD_LEVEL_REJECTIONS for r in failure.reasons):
        tried = f"any of the {failure.total_nodes} nodes" if failure.total_nodes is not None else "any node"
        lines = [f"No node can run this pod: the scheduler turned it away before trying {tried}."]
    else:
        lines = [f"No node can run this pod: the scheduler checked {nodes} and ruled each out."]
    extra: list[str] = []
    pinned = daemonset_node(view)
    if pinned:
        lines.append(f"This DaemonSet pod can run only on node {pinned}, so what rules out {pinned} is what matters.")
    for rejection in failure.reasons:
        if pinned and rejection.category == "node-affinity":
            count = f"{rejection.count} node(s) are" if rejection.count is not None else "The other nodes are"
            lines.append(f"{count} not {pinned} [{rejection.text}]: expected, the DaemonSet controller pins each of "
                         "its pods to one node.")
            continue
        advice = _REJECTION_ADVICE.get(rejection.category)
        # "node(s)" is the scheduler's own wording, and the advice text that follows agrees with it.
        count = ("The pod" if rejection.category in POD_LEVEL_REJECTIONS else
                 f"{rejection.count} node(s)" if rejection.count is not None else "Some nodes")
        if advice is None:
            lines.append(f"{count}: {rejection.text}.")
            continue
        meaning, action, command = advice
        if pinned and rejection.category in _PINNED_ACTIONS:  # more nodes would not help: it goes to one node only
            action = _PINNED_ACTIONS[rejection.category].format(node=pinned)
        lines.append(f"{count} {'has' if count == 'The pod' else 'have'} {meaning} [{rejection.text}]: {action}.")
        extra.append(command.format(pod=commands.pod, ns=commands.namespace))
    nominated = view.status.get("nominatedNodeName")
    if nominated:
        lines.append(f"It is nominated for node {nominated}: the scheduler preempted lower-priority pods there to "
                     "make room, and tries that node first once they have terminated (within their grace period, "
                     "30 s by default); another node freed sooner may take the pod, or a higher-priority pod the "
                     "room. Nothing needs fixing unless it stays unbound after that.")
        return Diagnosis("FailedScheduling", " ".join(lines), (commands.describe, *dict.fromkeys(extra)),
                         f"{DOCS}/concepts/scheduling-eviction/pod-priority-preemption/", (f"scheduler: {message}",))
    if failure.preemption:
        verdict = ("preemption found no victims" if "victims" in failure.preemption
                   else f"preemption: {failure.preemption}")  # e.g. "Preemption is not helpful for scheduling"
        lines.append(f"Evicting lower-priority pods would not help either ({verdict}).")
    lines.append("The scheduler retries when the cluster changes; nothing happens until one of these is fixed.")
    return Diagnosis("FailedScheduling", " ".join(lines), (commands.describe, *dict.fromkeys(extra)),
                     f"{DOCS}/concepts/scheduling-eviction/kube-scheduler/", (f"scheduler: {message}",))


_PINNED_ACTIONS = {
    "insufficient-resources": "free capacity on {node} or lower the pod's requests (it cannot go to another node)",
    "too-many-pods": "remove pods from {node} or raise its max-pods (it cannot go to another node)",
}


def daemonset_node(view: PodView) -> str:
    """The one node a DaemonSet pod is pinned to: its controller writes required node affinity on metadata.name
    with that node alone ("" for any other pod)."""
    refs = raw.sequence(raw.mapping(view.pod.get("metadata")).get("ownerReferences"))
    if not any(isinstance(r, Mapping) and r.get("kind") == "DaemonSet" and r.get("controller") for r in refs):
        return ""
    affinity = raw.mapping(raw.mapping(raw.mapping(view.spec.get("affinity")).get("nodeAffinity"))
                           .get("requiredDuringSchedulingIgnoredDuringExecution"))
    for term in map(raw.mapping, raw.sequence(affinity.get("nodeSelectorTerms"))):
        for field_term in map(raw.mapping, raw.sequence(term.get("matchFields"))):
            values = raw.sequence(field_term.get("values"))
            if field_term.get("key") == "metadata.name" and field_term.get("operator") == "In" and len(values) == 1:
                return str(values[0])
    return ""


def _no_scheduler(view: PodView, lease: Response, now: dt.datetime, commands: Commands) -> Diagnosis | None:
    """No scheduling event at all: is any scheduler alive to pick the pod up?"""
    lease_cmd = "kubectl get lease kube-scheduler -n kube-system -o yaml"
    scheduler_pods = "kubectl get pods -n kube-system -l component=kube-scheduler"
    if view.scheduler_name != "default-scheduler":
        return Diagnosis(
            "NoScheduler",
            f"The pod asks for the scheduler {view.scheduler_name!r} (spec.schedulerName) and no such scheduler has "
            "reported on it. Is that scheduler deployed and running? The default scheduler ignores this pod.",
            (commands.describe, commands.events, "kubectl get pods -A | grep -i scheduler"),
            f"{DOCS}/tasks/extend-kubernetes/configure-multiple-schedulers/")
    if not lease.ok or not isinstance(lease.data, Mapping):
        why = lease.skip_reason("the kube-scheduler Lease")
        if lease.not_found:
            why = "no kube-scheduler Lease exists, so no default scheduler has ever run with leader election"
        return Diagnosis(
            "NoSchedulingEvents",
            f"No scheduler has reported on this pod (no Scheduled or FailedScheduling event) and {why}. "
            "Without a running scheduler, new pods stay Pending with no node.",
            (commands.events, scheduler_pods, lease_cmd), f"{DOCS}/concepts/architecture/leases/")
    info = lease_info(lease.data, now)
    if not info.held:
        age = f"{info.renew_age_seconds:.0f}s ago" if info.renew_age_seconds is not None else "never"
        return Diagnosis(
            "SchedulerNotRunning",
            f"No scheduler has reported on this pod, and the kube-scheduler Lease was last renewed {age} "
            f"(it must be renewed within {info.duration_seconds or 15}s): no scheduler is leading, so no pod "
            "gets a node. "
            "Check the kube-scheduler pods and their logs.",
            (scheduler_pods, lease_cmd, "kubectl logs -n kube-system -l component=kube-scheduler --tail=50"),
            f"{DOCS}/concepts/architecture/leases/")
    return None


# -- on the node ------------------------------------------------------------------------------------

def node_problem(view: PodView, node: Response | None) -> Diagnosis | None:
    """The pod's node stopped reporting, or is gone: nothing on it progresses until it returns or the pod is
    evicted (or, for a gone node, garbage-collected)."""
    if node is not None and node.status == 404 and view.node_name:
        return Diagnosis(
            "NodeGone",
            f"The pod's node {view.node_name} no longer exists (the API has no Node of that name), so nothing runs "
            "this pod and its status is the last its kubelet reported. The pod garbage collector in "
            f"kube-controller-manager deletes pods bound to a node that is gone (DisruptionTarget DeletionByPodGC); "
            f"{_after_node_gone(view)}",
            ("kubectl get nodes", Commands(view).describe),
            f"{DOCS}/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection")
    if node is None or not node.ok or not isinstance(node.data, Mapping):
        return None
    conditions = raw.sequence(raw.mapping(node.data.get("status")).get("conditions"))
    ready = next((c for c in map(raw.mapping, conditions) if c.get("type") == "Ready"), None)
    if ready is None or ready.get("status") == "True":
        return None
    since = ready.get("lastTransitionTime") or "an unknown time"
    unknown = ready.get("status") != "False"  # Unknown (or no status): the kubelet stopped posting; False: it says so
    state = ("Its kubelet stopped reporting, so the pod's state is the last it reported" if unknown
             else "Its kubelet reports the node not ready")
    return Diagnosis(
        "NodeNotReady",
        f"The pod's node {view.node_name} is NotReady since {since} ({ready.get('reason') or 'no reason'}: "
        f"{ready.get('message') or 'no message'}). {state}; "
        + _eviction(view, "node.kubernetes.io/unreachable" if unknown else "node.kubernetes.io/not-ready"),
        (f"kubectl describe node {view.node_name}", f"kubectl get node {view.node_name}",
         f"kubectl get pods -A --field-selector spec.nodeName={view.node_name}"),
        f"{DOCS}/reference/node/node-status/")


def _after_node_gone(view: PodView) -> str:
    """What follows the garbage collector's delete: a replacement only from a controller."""
    if view.mirror:
        return "a static pod runs from its node's manifest, so it comes back only with that node."
    owner = next((raw.mapping(r) for r in raw.sequence(raw.mapping(view.pod.get("metadata")).get("ownerReferences"))
                  if raw.mapping(r).get("controller")), None)
    if owner is not None:
        return f"its {owner.get('kind', 'controller')} {owner.get('name', '')} then creates a replacement.".replace(
            "  ", " ")
    return "nothing replaces a bare pod: create it again."


def _eviction(view: PodView, taint: str) -> str:
    """What the NoExecute taint of a NotReady node does to this pod, by its own tolerations: DaemonSet and static
    pods tolerate it for good (never evicted, nothing replaces them), other pods for their tolerationSeconds
    (300 s, as admission adds them by default)."""
    for toleration in map(raw.mapping, raw.sequence(view.spec.get("tolerations"))):
        key, effect = toleration.get("key"), toleration.get("effect")
        if (key in (None, "", taint) if toleration.get("operator") == "Exists" else key == taint) \
                and effect in (None, "", "NoExecute"):
            seconds = toleration.get("tolerationSeconds")
            if not isinstance(seconds, int) or isinstance(seconds, bool):
                return (f"the pod tolerates {taint} without a time limit (as DaemonSet and static pods do): it is "
                        "never evicted for this, nothing replaces it, and it runs again when the node returns.")
            return (f"the pod tolerates {taint} for {seconds} s: then it is evicted, and its controller (if it has "
                    "one) replaces it elsewhere; it stays Terminating until the node returns or is deleted.")
    return (f"the pod does not tolerate {taint}: it is evicted once the node is tainted, and its controller (if it "
            "has one) replaces it elsewhere.")


def sandbox_problem(view: PodView) -> Diagnosis | None:
    """Volumes and the sandbox (pause container + network): the kubelet starts nothing before both."""
    commands = Commands(view)
    mount = _mount_failure(view)
    if mount is not None and not view.condition_true("PodReadyToStartContainers"):
        if mount.message.startswith(MOUNT_TIMEOUT_SUMMARY):
            hint = (" That summary names the volumes still waiting, not why: their sources (ConfigMap, Secret, "
                    "claim ...) are in the pod spec, and the kubelet's per-volume FailedMount events say why.")
        elif mount.message.startswith("Multi-Attach error"):
            hint = (" The volume (ReadWriteOnce) is still attached to another node, for a pod there or one that ran "
                    "there: it is detached once that pod is gone (on a node that stopped responding, 6 minutes after "
                    "the pod is deleted); a volume several nodes use at once needs ReadWriteMany.")
        elif "not found" in mount.message:
            hint = (" The ConfigMap, Secret or claim it names does not exist in the namespace: create it or fix the "
                    "name.")
        else:
            hint = " Check the claim, its StorageClass and the CSI driver's pods."
        return Diagnosis(
            mount.reason,
            # Attaching is the attach/detach controller's (kube-controller-manager) job; mounting the kubelet's.
            (f"The attach/detach controller cannot attach a volume the pod needs to {view.node_name or 'its node'}"
             if mount.reason == "FailedAttachVolume" else "The kubelet cannot mount a volume the pod needs")
            + f", so no container starts: {mount.message}.{hint}",
            (commands.describe, f"kubectl get pvc,configmaps,secrets -n {view.namespace}"),
            f"{DOCS}/concepts/storage/volumes/", (f"event {mount.reason} x{mount.count}: {mount.message}",))
    sandbox = view.last_event("FailedCreatePodSandBox", "NetworkNotReady")
    if sandbox is not None and not view.condition_true("PodReadyToStartContainers"):
        return Diagnosis(
            sandbox.reason,
            "The container runtime could not create the pod's sandbox (the pause container holding its network "
            f"namespace). Most often the network plugin (CNI) failed to give the pod an IP: {sandbox.message}. "
            f"Check the CNI pods on {view.node_name or 'the node'} and their logs.",
            (commands.describe,
             f"kubectl get pods -n kube-system -o wide --field-selector spec.nodeName={view.node_name}"),
            f"{DOCS}/concepts/extend-kubernetes/compute-storage-net/network-plugins/",
            (f"event {sandbox.reason} x{sandbox.count}: {sandbox.message}",))
    if not view.condition_true("PodReadyToStartContainers"):
        return sandbox_churn(view)
    return None


# Events of a repeating cause arrive at least every 5 minutes once the recorder's burst of 25 is spent: a loop whose
# last SandboxChanged is older than two such intervals has stopped.
SANDBOX_LOOP_RECENT_SECONDS = 600.0


def sandbox_churn(view: PodView, now: dt.datetime | None = None) -> Diagnosis | None:
    """The kubelet re-creating the sandbox again and again (SandboxChanged more than once). Without ``now`` the
    sandbox is not ready, which alone shows the loop is on; with it, the pod read in one of its short windows of
    PodReadyToStartContainers=True is in the loop only while the events are recent and the pod is not Ready."""
    changed = view.events_with("SandboxChanged")
    times = sum(e.count for e in changed)
    if times <= 1:  # once is a re-creation under way (or done)
        return None
    last = max((t for e in changed if (t := e.last or e.first) is not None), default=None)
    if now is not None and (view.condition_true("Ready") or last is None
                            or (now - last).total_seconds() > SANDBOX_LOOP_RECENT_SECONDS):
        return None
    node = view.node_name or "the node"
    commands = Commands(view)
    caught = (" The pod was read in one of the short moments its new sandbox was ready "
              "(PodReadyToStartContainers=True); the events show the loop goes on." if now is not None else "")
    when = last.strftime("%H:%M:%S") if last else "?"
    return Diagnosis(
        "SandboxChanged",
        f"The kubelet found the pod's sandbox (the pause container holding its network namespace) gone or changed "
        f"{plural(times, 'time')}, the last at {when}, and re-created it each time: something on {node} keeps killing "
        "it. Common causes: the kubelet and the container runtime use different cgroup drivers (systemd and "
        "cgroupfs), the runtime or its shim restarting, the kernel's OOM killer, or the network plugin tearing the "
        f"sandbox's network down. The kubelet's and the container runtime's logs on {node} say which.{caught}",
        (commands.describe, commands.events, f"kubectl describe node {view.node_name}" if view.node_name
         else "kubectl get nodes"),
        DEBUG_PODS, (f"event SandboxChanged x{times}, last at {when}: {changed[-1].message}",))


# The volume manager's summary when its wait times out (every 2 minutes): it names the volumes, not why.
MOUNT_TIMEOUT_SUMMARY = "Unable to attach or mount volumes"


def _mount_failure(view: PodView) -> EventView | None:
    """The volume failure that says why: the latest per-volume event (SetUp, MountDevice, Attach, Multi-Attach)
    before the kubelet's periodic timeout summary, which only names the volumes still waiting."""
    failures = view.events_with("FailedMount", "FailedAttachVolume")
    specific = [e for e in failures if not e.message.startswith(MOUNT_TIMEOUT_SUMMARY)]
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return max(specific or failures, key=lambda e: e.last or e.first or epoch, default=None)


_PULL_FAILURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Before "not found": containerd ends this one with it, and the tag does exist.
    ("the image has no build for the node's OS and CPU architecture: use a multi-arch image, or run the pod on "
     "nodes of the architecture it was built for", ("no match for platform",)),
    ("the kubelet's own pull rate limit (its registryPullQPS setting) was reached; it retries by itself",
     ("pull qps exceeded",)),
    ("the node does not trust the registry's TLS certificate: add the registry's CA to the container runtime's (or "
     "the node's) trusted certificates", ("x509:", "certificate signed by unknown authority")),
    ("the registry speaks plain HTTP where the runtime expects HTTPS: serve it over TLS, or declare it an insecure "
     "registry in the container runtime's configuration", ("server gave http response to https client",)),
    ("the node's disk is full, so the runtime cannot unpack the image: free space where the runtime keeps images "
     "(the kubelet's image garbage collection frees unused ones)", ("no space left on device",)),
    ("the registry has no such image or tag: check the name and the tag for typos",
     ("not found", "manifest unknown", "does not exist", "no such image")),
    ("the registry refused access: a private image needs imagePullSecrets with valid credentials",
     ("unauthorized", "authentication required", "denied", "401", "403", "forbidden")),
    ("the registry is rate-limiting pulls (Docker Hub limits anonymous pulls): authenticate or use a mirror",
     ("toomanyrequests", "rate limit", "429")),
    ("the node cannot reach the registry: check DNS, proxy and firewall from the node",
     ("no such host", "i/o timeout", "connection refused", "dial tcp", "network is unreachable", "tls")),
)


def classify_pull_failure(message: str) -> str:
    return first_match(message, _PULL_FAILURES, "the pull failed, for the reason in the runtime's message")


# Waiting reasons where the kubelet tries no pull at all: the cause is the pod spec, never the registry.
_NO_PULL = {
    "InvalidImageName": "the image name is not a valid image reference, so the kubelet cannot parse it and tries no "
                        "pull: fix the image in the pod spec",
    "ErrImageNeverPull": "the image is not on the node and the container's imagePullPolicy is Never, so the kubelet "
                         "will not pull it: load the image into the node's container runtime, or let the kubelet "
                         "pull it (imagePullPolicy IfNotPresent)",
}


IMAGE_WAITING = frozenset({"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"})


def image_problem(view: PodView, init: bool | None = None, among: Collection[str] | None = None) -> Diagnosis | None:
    """A container waits for its image: the pull fails, or the kubelet backs off between tries.

    ``init`` limits the search to init (True) or app (False) containers: each has its own step; ``among`` to the
    containers named (those not started yet: a restart's pull failing is a later step's)."""
    commands = Commands(view)
    pool = view.containers(init=True) + view.containers() if init is None else view.containers(init=init)
    for container in pool:
        if among is not None and container.name not in among:
            continue
        if container.state != "waiting" or container.reason not in IMAGE_WAITING:
            continue
        failed = [e for e in view.events_with("Failed") if e.container in (None, container.name)
                  and (e.container is None or e.init_container == container.init)
                  and e.message.startswith("Failed to pull image")]
        if container.reason in _NO_PULL:
            failed = []  # no pull was tried: a Failed event is only "Error: <reason>"
        detail = failed[-1].message if failed else container.message
        cause = _NO_PULL.get(container.reason) or classify_pull_failure(detail)
        backoff = (" The kubelet now waits longer between attempts (up to 5 minutes), so a fix takes a while to show."
                   if container.reason == "ImagePullBackOff" else "")
        return Diagnosis(
            container.reason,
            f"Container {container.name!r} cannot get its image {_image_of(view, container)}: {cause}.{backoff}"
            + (f" {'Kubelet' if container.reason in _NO_PULL else 'Runtime'} said: {detail}"
               if detail and not failed else ""),
            (commands.describe, commands.jsonpath(".spec.containers[*].image"),
             *((commands.jsonpath(".spec.containers[*].imagePullPolicy"),) if container.reason == "ErrImageNeverPull"
               else () if container.reason in _NO_PULL else (commands.jsonpath(".spec.imagePullSecrets"),))),
            f"{DOCS}/concepts/containers/images/",
            tuple(f"event Failed x{e.count}: {e.message}" for e in failed[-1:]))
    return None


def _image_of(view: PodView, container: ContainerView) -> str:
    for spec in raw.sequence(view.spec.get("initContainers")) + raw.sequence(view.spec.get("containers")):
        if spec.get("name") == container.name:
            return repr(spec.get("image", container.image))
    return repr(container.image)


def init_problem(view: PodView) -> Diagnosis | None:
    """An init container fails: app containers wait (PodInitializing) until every init container succeeds."""
    commands = Commands(view)
    for container in view.containers(init=True):
        failing = (container.state == "terminated" and (container.exit_code or 0) != 0) or \
                  (container.state == "waiting" and container.reason == "CrashLoopBackOff")
        if not failing:
            continue
        code = container.exit_code if container.state == "terminated" else container.last_exit_code
        return Diagnosis(
            "InitContainerFailed",
            f"Init container {container.name!r} exits with code {code} ({container.reason or container.last_reason}); "
            f"restarted {plural(container.restarts, 'time')}. App containers start only after every init container "
            "succeeds, so the pod waits in Init. Its log says why it fails.",
            (commands.logs(container.name, previous=container.state == "waiting"), commands.describe),
            f"{DOCS}/concepts/workloads/pods/init-containers/")
    return None


_START_ERRORS = {
    "CreateContainerConfigError": "the kubelet cannot build the container's configuration",
    "CreateContainerError": "the container runtime could not create the container",
    "RunContainerError": "the container runtime could not start the process",
    "PostStartHookError": "the postStart hook failed, so the kubelet killed the container",
}


def start_problem(view: PodView, init: bool = False) -> Diagnosis | None:
    """A container cannot be created or started (crash loops are ``endings``: those containers did start).

    ``init`` looks at the init containers instead: the kubelet creates and starts them the same way."""
    commands = Commands(view)
    for container in view.containers(init=init):
        if container.state != "waiting":
            continue
        role = "Init container" if init else "Container"
        if container.reason in _START_ERRORS:
            return Diagnosis(
                container.reason,
                f"{role} {container.name!r}: {_START_ERRORS[container.reason]}: {container.message or 'no message'}."
                + _config_hint(container.message),
                (commands.describe, commands.events), DEBUG_PODS)
        if container.failed_to_start:  # CrashLoopBackOff after StartError: backing off between failed starts
            specs = "initContainers" if init else "containers"
            return Diagnosis(
                container.last_reason,
                f"{role} {container.name!r} never started: the container runtime could not start its process "
                f"(exit code {container.last_exit_code}, {container.last_reason}), and the kubelet retries with a "
                f"growing back-off (CrashLoopBackOff), {plural(container.restarts + 1, 'attempt')} so far: "
                f"{container.last_message or 'no message'}.{_config_hint(container.last_message)} There is no log: "
                "the process never ran.",
                (commands.describe, commands.events,
                 commands.jsonpath(f'.spec.{specs}[?(@.name=="{container.name}")].command')), DEBUG_PODS,
                (f"last attempt: {container.last_reason} exit code {container.last_exit_code}",))
    return None


def _config_hint(message: str) -> str:
    """What the kubelet's or runtime's message means, for the messages with one cause."""
    lowered = message.lower()
    if "not found" in lowered and ("configmap" in lowered or "secret" in lowered):
        return " A ConfigMap or Secret it reads (env, envFrom) is missing in the namespace: create it or fix the name."
    if "couldn't find key" in lowered:
        return " The ConfigMap or Secret exists but lacks the key the container reads."
    if "non-numeric user" in lowered:
        return (" The pod requires a non-root user and the image names its user instead of giving a numeric UID, so "
                "the kubelet cannot check it is not root: set securityContext.runAsUser to that user's UID, or use a "
                "numeric USER in the image.")
    if "runasuser breaks non-root policy" in lowered:
        return " securityContext.runAsUser is 0 (root) while runAsNonRoot is true: set a non-zero runAsUser."
    if "runasnonroot" in lowered:
        return " The pod requires a non-root user but the image runs as root: set runAsUser or fix the image."
    if "exec:" in lowered and ("no such file" in lowered or "not found in $path" in lowered):
        return (" The command it runs (the container's command, else the image's ENTRYPOINT) is not in the image: "
                "fix the path in command/args or the image.")
    if "exec format error" in lowered:
        return " The image's binary is built for another CPU architecture than the node's: use a multi-arch image."
    if "exec:" in lowered and "permission denied" in lowered:
        return " The command exists but is not executable in the image (chmod +x it when building the image)."
    return ""


def readiness_problem(view: PodView) -> Diagnosis | None:
    """Running but not Ready: a failing readiness probe, or a readiness gate nobody set."""
    commands = Commands(view)
    gated = _gated(view, view.condition("Ready") or {}, "ReadinessGatesNotReady", ("readinessGates", "conditionType"),
                   "The containers are ready but the readiness gate(s) {} are not True: the controller that owns them "
                   "(often a load-balancer controller) has not set them.", ".status.conditions",
                   f"{DOCS}/concepts/workloads/pods/pod-lifecycle/#pod-readiness-gate")
    if gated is not None:
        return gated
    starting = _startup_failure(view)
    if starting is not None:
        return _failing_probe(view, commands, starting, "startup", (
            "Until it passes, the kubelet runs neither the readiness nor the liveness probe, so the pod cannot become "
            "Ready; once the probe's failureThreshold is reached the kubelet kills the container and restarts it. "
            "Check the probe's path and port, and that failureThreshold x periodSeconds covers the application's "
            "start."))
    unhealthy = [e for e in view.events_with("Unhealthy") if "readiness" in e.message.lower()]
    if unhealthy:
        return _failing_probe(view, commands, unhealthy[-1], "readiness", (
            "Until it passes, the pod is kept out of its Services' endpoints and receives no traffic. Check the "
            "probe's path and port against what the application serves, and how long it needs to start."))
    return None


def _failing_probe(view: PodView, commands: Commands, event: EventView, probe: str, consequence: str) -> Diagnosis:
    """A probe that keeps the pod from Ready: its failures as the kubelet's events count them, what that holds
    back (``consequence``), and the probe's own settings to read."""
    return Diagnosis(
        "Unhealthy",
        f"The {probe} probe fails ({plural(event.count, 'time')}): {event.message}. {consequence}",
        (commands.describe, commands.logs(event.container or _first_container(view)),
         commands.jsonpath(f".spec.containers[*].{probe}Probe")),
        f"{DOCS}/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        (f"event Unhealthy x{event.count}: {event.message}",))


def _startup_failure(view: PodView) -> EventView | None:
    """The latest failed startup probe of a container whose status says it has not passed it (``started`` false):
    older failures of a container that has since started say nothing now."""
    statuses = [raw.mapping(s) for s in raw.sequence(view.status.get("containerStatuses"))]
    waiting = {str(s.get("name")) for s in statuses if s.get("started") is False and "running" in raw.mapping(
        s.get("state"))}
    failures = [e for e in view.events_with("Unhealthy") if e.container in waiting
                and e.message.lower().startswith("startup probe")]
    return failures[-1] if failures else None


_ADMISSION_REASONS = {
    "OutOfcpu": "the node had no CPU left for the pod's requests when the kubelet checked",
    "OutOfmemory": "the node had no memory left for the pod's requests when the kubelet checked",
    "OutOfpods": "the node already ran its maximum number of pods",
    "NodeAffinity": "the node did not match the pod's node affinity or selector when the kubelet checked (its labels "
                    "changed after scheduling, or spec.nodeName was set without the scheduler)",
    "TopologyAffinityError": "the kubelet's topology manager could not place the pod's CPUs, memory and devices on "
                             "the NUMA nodes its policy requires",
    "UnexpectedAdmissionError": "a kubelet admission handler (device plugin, topology manager) failed",
    "Evicted": "the kubelet evicted it to relieve node pressure (memory, disk or PIDs)",
    "DeadlineExceeded": "it ran longer than its spec.activeDeadlineSeconds, so the kubelet stopped it",
}


def failed_pod_problem(view: PodView) -> Diagnosis | None:
    """Phase Failed with a reason: rejected by the kubelet at admission, or evicted. It will not restart."""
    reason = str(view.status.get("reason") or "")
    if view.phase != "Failed" or not reason:
        return None
    meaning = _ADMISSION_REASONS.get(reason, "the kubelet gave up on it")
    owned = bool(raw.mapping(view.pod.get("metadata")).get("ownerReferences"))
    if view.mirror:  # owned by its Node, which recreates nothing: the kubelet runs it from a file
        after = (f"It is a static pod, run by the kubelet on {view.node_name or 'its node'} from a manifest file, "
                 "not by a controller: fix the cause, then change the manifest (the kubelet runs a changed manifest "
                 "as a new pod).")
    elif owned:
        after = "Its controller creates a replacement; trace the new pod."
    else:
        after = "Nothing recreates a bare pod: delete it and create it again once the cause is fixed."
    return Diagnosis(
        reason,
        f"The pod failed on {view.node_name or 'its node'}: {meaning} "
        f"({str(view.status.get('message') or '').strip() or 'no message'}). "
        f"A failed pod never runs again. {after}",
        (Commands(view).describe, f"kubectl describe node {view.node_name}" if view.node_name else "kubectl get nodes"),
        f"{DOCS}/concepts/scheduling-eviction/node-pressure-eviction/" if reason == "Evicted" else DEBUG_PODS)


def _first_container(view: PodView) -> str:
    names = view.spec_container_names()
    return names[0] if names else "CONTAINER"


def termination_problem(view: PodView, now: dt.datetime) -> Diagnosis | None:
    """Deleted but still present past its grace period: finalizers, or a kubelet that never confirmed."""
    deadline = view.deleting_since
    if deadline is None or (now - deadline).total_seconds() < TERMINATION_SLACK_SECONDS:
        return None
    finalizers = [str(f) for f in raw.sequence(raw.mapping(view.pod.get("metadata")).get("finalizers"))]
    overdue = int((now - deadline).total_seconds())
    cause = disruption_cause(view)
    if finalizers:
        why = (f"finalizers {', '.join(finalizers)} keep it: the API server deletes the object only when the "
               "controllers owning them remove them. Find that controller; remove a finalizer by hand only if "
               "you know it is gone.")
    else:
        why = (f"the kubelet on {view.node_name or 'its node'} has not confirmed that the containers stopped "
               "(is the node down or NotReady?).")
    return Diagnosis(
        "Terminating",
        f"The pod was deleted ({cause}) and should have been gone {overdue}s ago; {why}",
        (Commands(view).jsonpath(".metadata.finalizers"), Commands(view).describe),
        f"{DOCS}/concepts/overview/working-with-objects/finalizers/")

