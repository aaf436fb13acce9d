"""control-plane-replicas: a single API server, scheduler, controller manager or control-plane node is a
single point of failure; count the ready copies of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import (
    CONTROL_PLANE_NEEDS,
    DISTRIBUTION_NEEDS,
    profile_of,
    provider_skip,
    reads,
    with_distribution_pages,
    with_fix,
)
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.facts import ClusterFacts, cluster_facts
from kubectl_arch.model.profiles import ADD_CONTROL_PLANE, EMBEDDED, KUBEADM_HA_DOC, Profile, split_comment
from kubectl_arch.wording import plural

META = CheckMeta(
    id="control-plane-replicas",
    title="The control plane has no single point of failure",
    component="kube-apiserver",
    why="With one API server nothing can be changed, scaled or healed while it is down; with one scheduler new "
        "pods stay Pending; with one controller manager Deployments and nodes stop being reconciled; and one "
        "control-plane node takes all of them (and its etcd member, where etcd runs there) down at once. Where "
        "etcd is stacked on the control-plane nodes, their count is judged by etcd's quorum: two members tolerate "
        "no failure, so two control-plane nodes are no better than one.",
    fix="Run three control-plane nodes behind a load balancer, added the way the distribution does it (audit "
        "prints the command for the cluster it reads), and find out why any copy is not Ready "
        "(`kubectl describe pod <pod>` in its namespace, the kubelet's log on that node).",
    references=(
        KUBEADM_HA_DOC,
        "https://kubernetes.io/docs/concepts/overview/components/",
        "https://etcd.io/docs/v3.5/faq/#why-an-odd-number-of-cluster-members",
    ),
    needs=(*DISTRIBUTION_NEEDS,),
    optional_needs=reads(CONTROL_PLANE_NEEDS, besides=DISTRIBUTION_NEEDS),  # counts and datastore, not health
    thresholds={"min_ready": 2},
)

COUNTED = (KUBE_APISERVER, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    hidden = provider_skip(META.id, data)
    if hidden:
        title = profile_of(data).title
        findings = with_fix([hidden],
                            f"Nothing to run on the cluster: {title} runs the control plane on machines of its own, "
                            "and how many copies of each component it keeps is the provider's to answer for.")
    else:
        facts = cluster_facts(data)
        findings = with_fix(_evaluate(facts, int(thresholds["min_ready"])), _fix(facts))
    return with_distribution_pages(findings, data, META, ADD_CONTROL_PLANE)


def _fix(facts: ClusterFacts) -> str | None:
    add = facts.profile.fix(ADD_CONTROL_PLANE)
    return f"Run three control-plane nodes: {add}. {_not_ready(facts.profile)}" if add else None


def _not_ready(profile: Profile) -> str:
    """Where to look for why a copy is not Ready: the node and the server's log where the components run inside
    one process (k3s has no control-plane pods), the pod and its kubelet's log where they are static pods."""
    if profile.control_plane == EMBEDDED:
        log = split_comment(profile.log_command("kube-apiserver") or "")[0]
        return (f"Find out why a server is not Ready: `kubectl describe node <server>`, and {profile.title}'s log on "
                f"that server (`{log}`); its components run inside that process, not in pods.")
    kubectl = "oc" if profile.name == "openshift" else "kubectl"
    kubelet_log = split_comment(profile.log_command("kubelet") or "")[0]
    where = f" (`{kubelet_log}`)" if kubelet_log else ""
    return (f"Find out why any copy is not Ready: `{kubectl} -n <namespace> describe pod <pod>`, and the kubelet's "
            f"log on that node{where}.")


def _evaluate(facts: ClusterFacts, min_ready: int) -> list[Finding]:
    nodes = facts.control_plane_nodes
    components = {name: facts.components[name] for name in COUNTED}
    uncounted = [c for c in components.values() if c.runs == "unknown"]
    if uncounted:  # a failed read is not "none visible": nothing is judged on it
        reasons = "; ".join(dict.fromkeys(c.unread or "their pods were not read" for c in uncounted))
        return [Finding(META.id, Status.SKIP, f"{', '.join(c.name for c in uncounted)} could not be counted: "
                        f"{reasons}")]
    counts: dict[str, tuple[int, int]] = {name: (c.replicas or 0, c.ready or 0) for name, c in components.items()}
    if all(total == 0 for total, _ in counts.values()) and not nodes:
        return [Finding(META.id, Status.SKIP, "no control-plane pods or nodes are visible, so their count is unknown")]
    ready_nodes = len([n for n in nodes if n not in facts.not_ready_nodes])
    counts["control-plane nodes"] = (len(nodes), ready_nodes)
    evidence: dict[str, Any] = {name: f"{ready}/{total} ready" for name, (total, ready) in counts.items()}
    if any(c.runs == "embedded" for c in components.values()):
        evidence["note"] = (f"no control-plane pods: components run inside each control-plane node's "
                            f"{facts.profile.title} server process")
    store = facts.datastore
    if store.is_etcd and store.members is not None and store.kind != "external-etcd":
        evidence["etcd"] = f"{plural(store.members, store.short + ' member')}, quorum {store.quorum}, tolerate " \
                           f"{store.failures_tolerated}"
    findings = [_problem(name, total, ready, min_ready, evidence) for name, (total, ready) in counts.items()]
    problems = [f for f in findings if f is not None]
    quorum = _quorum_problem(facts, evidence)
    if quorum is not None:
        problems.append(quorum)
    if problems:
        return problems
    ready = counts[KUBE_APISERVER][1]
    return [Finding(META.id, Status.PASS,
                    f"{plural(ready, 'ready API server')}, {counts[KUBE_SCHEDULER][1]} schedulers, "
                    f"{counts[KUBE_CONTROLLER_MANAGER][1]} controller managers on "
                    f"{plural(counts['control-plane nodes'][0], 'control-plane node')}", evidence=evidence)]


def _quorum_problem(facts: ClusterFacts, evidence: dict[str, Any]) -> Finding | None:
    """Stacked (or embedded) etcd on several control-plane nodes that still tolerates no failure."""
    store = facts.datastore
    if store.kind not in ("stacked-etcd", "embedded-etcd") or not store.members or store.members < 2:
        return None
    if store.failures_tolerated:
        return None
    return Finding(META.id, Status.FAIL,
                   f"{plural(store.members, 'etcd member')} on the control-plane nodes tolerate no failure: a quorum "
                   f"is {store.quorum} of {store.members}, so losing any one control-plane node stops every write "
                   f"(run {store.members + 1} to tolerate one)", evidence=evidence, object="etcd quorum")


def _problem(name: str, total: int, ready: int, min_ready: int, evidence: dict[str, Any]) -> Finding | None:
    """One sentence per count: a component is counted in copies ("the 2 kube-scheduler copies"), while
    "control-plane nodes" is already a plural noun."""
    one = name.removesuffix("s") if name.endswith(" nodes") else name  # "control-plane nodes" reads as one
    many = name if name.endswith(" nodes") else f"{name} copies"
    if ready < min_ready:
        if total == 0:
            message = f"no {one} is visible"
        elif ready == 1 and total == 1:
            message = f"only one {one}: a single point of failure"
        elif ready == 0 and total == 1:
            message = f"the only {one} is not ready (at least {min_ready} needed to survive losing one)"
        elif ready == 0:
            message = f"none of the {total} {many} is ready (at least {min_ready} needed to survive losing one)"
        else:
            message = (f"only {ready} of the {total} {many} {_is(ready)} ready (at least {min_ready} needed to "
                       "survive losing one)")
        return Finding(META.id, Status.FAIL, message, evidence=evidence, object=name)
    if ready < total:
        return Finding(META.id, Status.WARN,
                       f"{total - ready} of the {total} {many} {_is(total - ready)} not ready: less redundancy than "
                       "built", evidence=evidence, object=name)
    return None


def _is(count: int) -> str:
    return "is" if count == 1 else "are"
