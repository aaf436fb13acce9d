"""The etcd health checks' fixes are commands for the distribution the audit reads: its own etcdctl (with its
certificates), one member at a time for defragmentation, and on a managed control plane the provider's part;
no etcdctl command where the cluster keeps its data elsewhere (k3s's kine over SQLite)."""

from __future__ import annotations

import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_audit
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.model.facts import KINE_EXTERNAL, KINE_SQLITE, cluster_facts
from kubectl_arch.model.profiles import ETCD_DEFRAG, ETCDCTL, FINISH_UPGRADE, UPGRADE_CONTROL_PLANE

CHECKS = ("etcd-leader", "etcd-fragmentation", "etcd-version-agreement")


@pytest.mark.parametrize("name", sample_names())
def test_each_etcd_fix_is_this_distributions_own(name: str) -> None:
    report = run_audit(SampleSource.named(name), [catalogue()[c] for c in CHECKS], AuditConfig(), also=("nodes",))
    assert report.data is not None
    profile = cluster_facts(report.data).profile
    for result in report.results:
        fixes = {finding.fix for finding in result.findings}
        assert len(fixes) == 1, f"{result.meta.id} on {name}: one fix for every finding"
        [fix] = fixes
        if profile.hidden:
            assert fix is not None and fix.startswith(f"{profile.title} runs etcd"), fix
            assert "etcdctl" not in fix
        elif profile.fix(ETCDCTL) is None or cluster_facts(report.data).datastore.kind in (KINE_SQLITE, KINE_EXTERNAL):
            assert fix is None and "etcdctl" in result.meta.fix  # the catalogue's words, with no command to invent
        else:
            expected = {"etcd-leader": profile.fix(ETCDCTL), "etcd-fragmentation": profile.fix(ETCD_DEFRAG),
                        "etcd-version-agreement": profile.fix(FINISH_UPGRADE) or profile.fix(UPGRADE_CONTROL_PLANE)
                        }[result.meta.id]
            assert fix is not None and str(expected).split("   # ")[0] in fix, fix


@pytest.mark.parametrize("name", sample_names())
def test_a_cluster_without_etcd_is_never_told_its_latency_is_a_round_trip_to_etcd(name: str) -> None:
    """k3s over kine (SQLite) ran etcd-disk-latency on the API server's etcd request latency and called it "the
    round trip to etcd", while every other etcd check said this cluster has no etcd. Run alone, as `--check`
    does, it reads what tells (the distribution's reads) itself."""
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.model.facts import FACT_NEEDS

    report = run_audit(SampleSource.named(name), [catalogue()["etcd-disk-latency"]], AuditConfig())
    kine = cluster_facts(collect(SampleSource.named(name), FACT_NEEDS)).datastore.kind in (KINE_SQLITE, KINE_EXTERNAL)
    messages = " ".join(finding.message for result in report.results for finding in result.findings)
    if kine:
        assert "round trip to etcd" not in messages and "kine" in messages, messages
    else:
        assert "kine" not in messages, messages


def test_one_member_read_of_several_never_passes_version_agreement() -> None:
    """EKS serves one etcd member's metrics: etcd-version-agreement passed on it ('the one member read runs etcd
    3.5.16'), although the other members' versions were never read. That is a skip with the reason."""
    report = run_audit(SampleSource.named("eks"), [catalogue()["etcd-version-agreement"]], AuditConfig())
    [finding] = [finding for result in report.results for finding in result.findings]
    assert finding.status.value == "skip", finding
    assert "the other members' versions were not read" in finding.message


def test_a_lost_majority_is_recovered_the_distributions_way() -> None:
    """etcd-leader told OpenShift to 'restore from a snapshot' where OpenShift's own route is cluster-restore.sh,
    which its profile has."""
    from kubectl_arch.model.profiles import ETCD_RESTORE, profile_for

    report = run_audit(SampleSource.named("openshift"), [catalogue()["etcd-leader"]], AuditConfig())
    fixes = {finding.fix for result in report.results for finding in result.findings}
    restore = str(profile_for("openshift").fix(ETCD_RESTORE))
    assert all(fix and restore.split("   # ")[0] in fix for fix in fixes), fixes


def test_members_unread_for_one_reason_are_named_together_and_every_reason_is_kept() -> None:
    """kubeadm's three members behind one loopback listener read as one sentence; a member with its own reason
    keeps it; no member goes unnamed (the evidence lists every source the reader can look up)."""
    from checks.etcd_disk_latency.collect import one_note_per_reason
    from kubectl_arch.model.metrics import MetricsError

    loopback = "etcd serves /metrics on http://127.0.0.1:2381 only"
    notes = one_note_per_reason([MetricsError("pod kube-system/etcd-a", loopback),
                                 MetricsError("pod kube-system/etcd-b via the pod proxy", "HTTP 503"),
                                 MetricsError("pod kube-system/etcd-c", loopback),
                                 MetricsError("pod kube-system/etcd-d", loopback)])
    assert notes == [f"pods etcd-a, etcd-c and etcd-d in kube-system: {loopback}",
                     "pod kube-system/etcd-b via the pod proxy: HTTP 503"]
    mixed = one_note_per_reason([MetricsError("pod kube-system/etcd-a via the pod proxy", "HTTP 503"),
                                 MetricsError("pod kube-system/etcd-b via the pod proxy", "HTTP 503")])
    assert mixed == ["pod kube-system/etcd-a via the pod proxy and pod kube-system/etcd-b via the pod proxy: HTTP 503"]


def test_a_three_member_kubeadm_cluster_says_its_loopback_reason_once() -> None:
    from kubectl_arch.audit.report.document import report_document

    report = run_audit(SampleSource.named("kind-ha"), [catalogue()["etcd-fragmentation"]], AuditConfig())
    (finding,) = report_document(report)["findings"]
    assert finding["status"] == "skip"
    assert finding["message"].count("--listen-metrics-urls") == 1
    assert all(f"etcd-kind-ha-control-plane{n}" in finding["message"] for n in ("", "2", "3"))


def test_every_profiles_etcd_backup_and_restore_is_a_command() -> None:
    """explain --what-if, the etcd page and etcd-leader print them as code: kind's 'recreate the kind cluster (kind
    clusters are disposable)' read as a command no shell runs. Each begins with a program; its note is a comment."""
    from kubectl_arch.model.profiles import ETCD_BACKUP, ETCD_RESTORE, PROFILES, split_comment

    programs = {"etcdutl", "etcdctl", "kubectl", "kubeadm", "kind", "minikube", "k3s", "rke2", "sudo", "oc"}
    for name, profile in PROFILES.items():
        for key in (ETCD_BACKUP, ETCD_RESTORE):
            command = profile.fix(key)
            if command:
                code, _note = split_comment(command)
                assert code.split()[0] in programs, f"{name} {key}: {command!r}"
                assert all(part.split()[0] in programs for part in code.split("&&")), f"{name} {key}: {command!r}"


def test_a_hidden_control_planes_etcd_latency_fix_is_one_its_user_can_apply() -> None:
    """On EKS the fix told the user to move etcd's data directory to an SSD, defragment with etcdctl and pass
    --etcd-endpoints: the provider runs etcd, and none of that can be done."""
    from checks.etcd_disk_latency import META, evaluate
    from kubectl_arch.collect.needs import collect

    data = collect(SampleSource.named("eks"), (*META.needs, *META.optional_needs))
    thresholds = {**AuditConfig().thresholds_for(META), "wal_fsync_p99_warn_seconds": 0.001,
                  "backend_commit_p99_warn_seconds": 0.001}
    findings = evaluate(data, thresholds)
    assert findings and all(f.status.value == "warn" for f in findings)
    for finding in findings:
        assert finding.fix and "Amazon" in finding.fix and "support case" in finding.fix
        assert "--etcd-endpoints" not in finding.fix and "data directory" not in finding.fix
