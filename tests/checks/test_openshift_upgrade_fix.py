"""On OpenShift a control plane or etcd left at mixed versions is a cluster update that stalled: the cluster
version operator rolls components out itself, so the fix shows how far the update got and which operator holds it
up (the profile's finish-upgrade words), never 'one minor release at a time, API servers first' or 'one member at a
time' as if the reader upgraded each piece. Every warn and fail fixture of the two checks, seen on OpenShift."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import Check, catalogue
from kubectl_arch.audit.runner import CheckResult, run_check
from kubectl_arch.collect.source import Response
from kubectl_arch.model.profiles import FINISH_UPGRADE, OPENSHIFT

CHECKS = [catalogue()[name] for name in ("control-plane-version-skew", "etcd-version-agreement")]
CASES = [(check, path) for check in CHECKS for path in check.fixtures if path.name.startswith(("warn-", "fail-"))]
OPENSHIFT_LABEL = "node.openshift.io/os_id"


def _as_openshift(check: Check, path: Path) -> CheckResult:
    fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
    if not fixture.data.responses.get("nodes") or not fixture.data["nodes"].ok:  # etcd's fixtures hold no nodes
        fixture.data.responses["nodes"] = Response(status=200, data={"items": [
            {"metadata": {"name": "master-0", "labels": {"node-role.kubernetes.io/master": ""}},
             "status": {"conditions": [{"type": "Ready", "status": "True"}]}}]})
    for node in fixture.data.items("nodes"):
        node.setdefault("metadata", {}).setdefault("labels", {})[OPENSHIFT_LABEL] = "rhcos"
    return CheckResult(check.meta, run_check(check, fixture.data, {}))


@pytest.mark.parametrize(("check", "path"), CASES, ids=lambda v: getattr(v, "name", getattr(v, "id", "")))
def test_a_stalled_update_on_openshift_is_the_cluster_version_operators_to_finish(check: Check, path: Path) -> None:
    result = _as_openshift(check, path)
    if result.status.value not in ("warn", "fail"):
        return
    assert result.fix == OPENSHIFT.fix(FINISH_UPGRADE), (path.name, result.fix)
