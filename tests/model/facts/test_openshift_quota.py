"""OpenShift's documented etcd quota, used only when etcd's pods cannot be read, follows the release
(issue 12): ETCD_QUOTA_BACKEND_BYTES is 7 GiB on OpenShift 4.4-4.8 and 8 GiB from 4.9."""

from __future__ import annotations

import pytest

from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Response
from kubectl_arch.model.facts import FACT_NEEDS, Datastore, cluster_facts
from kubectl_arch.model.profiles import OPENSHIFT

GIB = 1024**3


def _fallback(git_version: str | None, version_status: int = 200) -> Datastore:
    """The openshift sample's datastore with etcd's pods unreadable and /version answering ``git_version``."""
    sample = load_sample("openshift")
    sample.store.forbid(lambda path, _query: "/namespaces/openshift-etcd/" in path)
    if git_version is not None:
        minor = git_version.split(".")[1]
        sample.store.set_raw("/version", Response(status=version_status, error=None if version_status == 200 else
                                                  "forbidden", data={"major": "1", "minor": minor,
                                                                     "gitVersion": git_version}))
    return cluster_facts(collect(SampleSource(sample), FACT_NEEDS)).datastore


@pytest.mark.parametrize(("git_version", "gib", "branch"), [
    ("v1.17.1+6af3663", 7, "release-4.7"),  # OpenShift 4.4
    ("v1.20.0+bafe72f", 7, "release-4.7"),  # 4.7
    ("v1.21.1+6438632", 7, "release-4.7"),  # 4.8
    ("v1.22.0-rc.0+af080cb", 8, "release-4.9"),  # 4.9
    ("v1.29.5+4577d1c", 8, "release-4.9"),  # 4.16
])
def test_openshift_etcd_quota_fallback_is_7_gib_on_4_4_to_4_8_and_8_gib_from_4_9(
        git_version: str, gib: int, branch: str) -> None:
    store = _fallback(git_version)
    assert store.quota_bytes == gib * GIB, store
    assert store.quota_assumed and branch in store.quota_source and "etcd_env.go" in store.quota_source, store
    if gib == 7:
        assert store.quota_bytes == 7516192768


def test_the_openshift_sample_without_its_etcd_pods_assumes_4_7s_7_gib_not_8() -> None:
    store = _fallback(None)  # the sample's own /version: v1.20 (OpenShift 4.7)
    assert (store.quota_bytes, store.quota_assumed) == (7516192768, True), store


@pytest.mark.parametrize("minor", [None, 16])
def test_openshift_etcd_quota_is_unknown_when_the_release_is_not_known_never_a_guess(minor: int | None) -> None:
    quota = OPENSHIFT.quota_for(minor)
    assert quota.bytes is None and "7 GiB on 4.4-4.8, 8 GiB from 4.9" in quota.source, quota


def test_openshift_etcd_quota_is_unknown_when_version_is_forbidden() -> None:
    store = _fallback("v1.20.0", version_status=403)
    assert store.quota_bytes is None and "could not be read" in store.quota_source, store
