"""What every etcd health check does with each member, so each check folder keeps only its decision.

Each member is read once or twice (``collect.etcd_readings``). When no member could be read the check
skips with the reason (a managed provider hiding etcd, kubeadm's loopback-only metrics listener, a
refused certificate). A member read at the start of the window but not at its end is missing: never
judged healthy from its older scrape. Counters are judged on the window when there is one, else as
an average rate since the process started, and every figure carries its basis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import DISTRIBUTION_NEEDS, DISTRIBUTION_OPTIONAL_NEEDS, profile_of
from kubectl_arch.audit.metric_readings import missing_at_window_end
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.provider_metrics import EKS_ETCD_METRICS
from kubectl_arch.model.window import WINDOW, Reading, counter_increase
from kubectl_arch.wording import plural

from .collect import ETCD_CLIENT_OPTIONS, ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, etcd_readings

# What every etcd health check reads: etcd's own metrics by either route, and what recognises a managed
# control plane (to say the provider hides the figures); the flags that reach etcd directly.
ETCD_OPTIONAL_NEEDS = (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, EKS_ETCD_METRICS, *DISTRIBUTION_NEEDS,
                       *DISTRIBUTION_OPTIONAL_NEEDS)
# etcd's own figures by either route, or as EKS serves them: alternatives, so one that answered is enough.
ETCD_SOURCES = (ETCD_ENDPOINT_METRICS, ETCD_POD_METRICS, EKS_ETCD_METRICS)
ETCD_OPTIONS = ETCD_CLIENT_OPTIONS
METRICS_REFERENCE = "https://etcd.io/docs/v3.5/metrics/"
MIXIN_REFERENCE = "https://github.com/etcd-io/etcd/blob/main/contrib/mixin/mixin.libsonnet"

# Thresholds every counter check declares (its own defaults): counts inside the window, or averages
# per hour since the process started when there is no window.
def etcd_member_meta(*, id: str, title: str, why: str, fix: str, references: tuple[str, ...],
                     thresholds: Mapping[str, Any] | None = None) -> CheckMeta:
    """The metadata of a check judged on each member's metrics: what it reads (whichever source serves the
    metrics: the etcd endpoints, the pod proxy, EKS's), its options and component are the same for every one."""
    return CheckMeta(id=id, title=title, component="etcd", why=why, fix=fix, references=references, needs=(),
                     thresholds=thresholds or {}, optional_needs=ETCD_OPTIONAL_NEEDS, sources=ETCD_SOURCES,
                     options=ETCD_OPTIONS)


COUNTER_THRESHOLDS = ("warn_in_window", "fail_in_window", "warn_per_hour", "fail_per_hour")


def members(check_id: str, data: ClusterData) -> tuple[list[Reading], list[Finding]]:
    """The members to judge, or the one skip finding that says why there are none."""
    readings, notes = etcd_readings(data)
    if readings:
        return readings, []
    return [], [Finding(check_id, Status.SKIP, unreadable(data, notes), {"otherSources": notes})]


def each_member(check_id: str, data: ClusterData, judge: Callable[[Reading], list[Finding]],
                gone_status: Status = Status.SKIP) -> list[Finding]:
    """Every etcd check's loop: the skip when no member could be read, a member gone by the window's end
    (``gone_status``), and ``judge``'s findings for each of the others, in member order."""
    readings, findings = members(check_id, data)
    for reading in readings:
        findings += [gone(check_id, reading, gone_status)] if reading.second_error is not None else judge(reading)
    return findings


def unreadable(data: ClusterData, notes: list[str]) -> str:
    """Why etcd's own metrics are not available, in words an operator acts on."""
    from kubectl_arch.model.distribution import READS, detect_distribution

    if all(name in data.responses for name in READS):
        elsewhere = no_etcd(data)
        if elsewhere:
            return f"{elsewhere}: etcd's health figures do not apply"
        distribution = detect_distribution(data)
        if distribution.managed and distribution.name != "eks":  # EKS serves them: its note says what failed
            return (f"{distribution.managed_by} does not expose etcd's own metrics through the API: these "
                    "figures are hidden by the provider")
    detail = "; ".join(notes) if notes else "no route to etcd's /metrics was available"
    return f"etcd's own metrics could not be read: {detail}" + _embedded_route(data)


def _embedded_route(data: ClusterData) -> str:
    """How to reach etcd that runs inside each k3s server's process (no pod to proxy to): its client URL with the
    certificates k3s keeps under its TLS directory; "" for any other datastore."""
    from kubectl_arch.model.facts import EMBEDDED_ETCD, cluster_facts

    if cluster_facts(data).datastore.kind != EMBEDDED_ETCD:
        return ""
    profile = profile_of(data)
    tls = f"{profile.pki_dir}/etcd" if profile.pki_dir else "<the server's etcd certificate directory>"
    return (f". {profile.title} runs etcd inside each server's {profile.title} process, not in a pod the API server "
            f"can proxy to: pass `--etcd-endpoints https://<server>:2379 --etcd-cacert {tls}/server-ca.crt "
            f"--etcd-cert {tls}/client.crt --etcd-key {tls}/client.key` (on a server, or with copies of those files) "
            "to read etcd's own figures")


def no_etcd(data: ClusterData) -> str | None:
    """'this cluster has no etcd (kine-sqlite: ...)' when the fact base finds another datastore (k3s's kine
    over SQLite or an external database), else None. Needs the distribution's reads to tell."""
    from kubectl_arch.model.facts import KINE_EXTERNAL, KINE_SQLITE, cluster_facts

    store = cluster_facts(data).datastore
    if store.kind in (KINE_SQLITE, KINE_EXTERNAL):
        return f"this cluster has no etcd ({store.kind}: {'; '.join(store.evidence)})"
    return None


def etcdctl_command(data: ClusterData, subcommand: str) -> str | None:
    """``subcommand`` run with this distribution's etcdctl and certificates (its trailing comment kept last),
    or None where the operator has no etcdctl: a provider runs etcd, the cluster stores its data elsewhere,
    or the distribution is not known."""
    if no_etcd(data):
        return None
    return profile_of(data).etcdctl(subcommand)


def managed_etcd_fix(data: ClusterData) -> str | None:
    """On a managed control plane, what a user can do about etcd's health: its disks, network, members and
    settings are the provider's, so lighten the load the API server puts on it and take the rest to the provider
    (None elsewhere: the check's own fix, with its disks and flags, applies)."""
    provider = provider_runs_etcd(data)
    if not provider:
        return None
    return (f"{provider} on machines of its own: its disks, network, members and settings are the provider's, and "
            "none is yours to change. Make the API server ask less of it: find the biggest collections (`kubectl "
            "get --raw /metrics | grep apiserver_storage_objects`) and the clients that list them whole or watch "
            "them in bulk (operators, CI jobs, a flood of Events), and fix those. If it persists with a normal "
            "load, open a support case with the provider, with these figures.")


def provider_runs_etcd(data: ClusterData) -> str | None:
    """'Amazon EKS runs etcd' on a managed control plane, where no etcdctl command is the operator's to run."""
    profile = profile_of(data)
    return f"{profile.title} runs etcd" if profile.hidden else None


def gone(check_id: str, reading: Reading, status: Status = Status.SKIP) -> Finding:
    """A member that answered the first scrape and not the second: missing, with what it answered."""
    verdict = ("it is missing" if status == Status.FAIL
               else "it is missing, so nothing is judged from its earlier scrape")
    return missing_at_window_end(check_id, reading, status, verdict)


def judge_counter(check_id: str, reading: Reading, metric: str, nouns: tuple[str, str],
                  thresholds: Mapping[str, Any], baseline: float = 0.0) -> Finding:
    """A counter of bad events on one member: its increase over the window, or its average rate per hour
    since the process started. ``baseline`` is what a healthy process counts at start (etcd counts its
    first election as one leader change)."""
    increase = counter_increase(reading, metric)
    if increase is None:
        why = (f"reports {metric} as no number (NaN or Inf)" if reading.latest.samples(metric)
               else f"does not expose {metric} (older etcd versions lack it)")
        return Finding(check_id, Status.SKIP, f"{reading.source} {why}",
                       {"metric": metric, "source": reading.source}, reading.source)
    basis = increase.basis
    evidence: dict[str, Any] = {"metric": metric, "source": reading.source, "basis": basis.evidence()}
    if basis.kind == WINDOW:
        count = round(increase.value)
        evidence["inWindow"] = count
        status = (Status.FAIL if count >= int(thresholds["fail_in_window"]) else
                  Status.WARN if count >= int(thresholds["warn_in_window"]) else Status.PASS)
        counted = plural(count, *nouns) if count else f"no {nouns[1]}"
        return Finding(check_id, status, f"{reading.source}: {counted} {basis.sentence()}", evidence, reading.source)
    total = max(increase.value - baseline, 0.0)
    evidence["sinceStart"] = round(increase.value)
    hours = basis.seconds / 3600 if basis.seconds else None
    if not total:
        status, rate_words = Status.PASS, ""
    elif hours is None:
        status = Status.WARN if total > 0 else Status.PASS
        rate_words = "when is unknown: the process start time is not exposed"
    else:
        per_hour = total / hours
        evidence["perHour"] = round(per_hour, 3)
        status = (Status.FAIL if per_hour >= float(thresholds["fail_per_hour"]) else
                  Status.WARN if per_hour >= float(thresholds["warn_per_hour"]) else Status.PASS)
        rate_words = f"{per_hour:.2g} per hour on average"
    counted = plural(round(total), *nouns) if total else f"no {nouns[1]}"
    rate = f", {rate_words}" if rate_words else ""
    return Finding(check_id, status, f"{reading.source}: {counted} {basis.sentence()}{rate}", evidence, reading.source)
