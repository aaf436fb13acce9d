"""The catalogue is whole, and every check's fixtures give the outcome their names promise."""

from __future__ import annotations

import re
from pathlib import Path

import kubectl_arch.checks
import pytest

from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import expected_status, load_fixture
from kubectl_arch.audit.registry import Check, catalogue
from kubectl_arch.audit.runner import CheckResult, run_check

CHECKS_DIR = Path(kubectl_arch.checks.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"
REQUIRED_IDS = {
    "etcd-disk-latency", "etcd-member-count", "etcd-db-size", "control-plane-replicas", "leader-election",
    "apiserver-health", "apiserver-certificate-expiry", "client-certificate-expiry", "webhook-ca-expiry",
    "kubelet-certificate-rotation", "pki-expiry", "kube-proxy-mode", "node-readiness", "kubelet-version-skew",
    "control-plane-version-skew", "apiserver-overload", "pods-without-requests", "large-configmaps",
}


def _all_fixtures() -> list[tuple[Check, Path]]:
    return [(check, path) for check in catalogue().values() for path in check.fixtures]


def test_every_folder_is_registered_under_its_own_name() -> None:
    folders = {p.name for p in CHECKS_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert {cid.replace("-", "_") for cid in catalogue()} == folders
    for check_id, check in catalogue().items():
        assert check.folder.name == check_id.replace("-", "_")


def test_ids_are_kebab_case_and_unique() -> None:
    ids = list(catalogue())
    assert len(ids) == len(set(ids))
    for check_id in ids:
        assert check_id == check_id.lower() and " " not in check_id and "_" not in check_id


@pytest.mark.parametrize("check_id", sorted(catalogue()))
def test_every_check_teaches_and_has_a_passing_and_a_failing_fixture(check_id: str) -> None:
    check = catalogue()[check_id]
    meta = check.meta
    assert meta.title and meta.why and meta.fix and meta.component
    assert meta.references and all(ref.startswith("https://") for ref in meta.references)
    outcomes = {expected_status(path).value for path in check.fixtures}
    assert {"pass", "fail"} <= outcomes, f"{check_id} needs a pass-*.yaml and a fail-*.yaml fixture, has {outcomes}"


def test_the_issues_check_ids_exist() -> None:
    missing = REQUIRED_IDS - set(catalogue())
    assert not missing, f"checks missing from the catalogue: {sorted(missing)}"


def test_every_documented_check_id_exists() -> None:
    """docs/checks.md promises these ids to users and CI configs: a check that vanishes must fail here."""
    documented = set(re.findall(r"^\| \[`([a-z0-9-]+)`\]\(#", DOCS.read_text(), flags=re.M))
    assert documented >= REQUIRED_IDS, "docs/checks.md lost its index table"
    missing = documented - set(catalogue())
    assert not missing, f"documented in docs/checks.md but not in the catalogue: {sorted(missing)}"


@pytest.mark.parametrize(("check", "path"), _all_fixtures(), ids=lambda v: v.id if isinstance(v, Check) else v.name)
def test_fixture_gives_the_status_its_name_states(check: Check, path: Path) -> None:
    fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
    thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
    findings = run_check(check, fixture.data, thresholds)
    assert all(f.check == check.id for f in findings), findings
    crashed = [f for f in findings if "error" in f.evidence]
    assert not crashed, f"{path.name}: the check raised: {crashed[0].message}"
    status = CheckResult(check.meta, findings).status
    assert status == fixture.expected, f"{path.name}: got {status.value}: {[f.message for f in findings]}"
    assert all(f.message.strip() for f in findings)
