"""The progress line names what is being read: on a cluster no node shows to be OpenShift, the OpenShift reads are
never sent, so "reading the pods of OpenShift's cluster DNS" must not flash by (it did on minikube)."""

from __future__ import annotations

from kubectl_arch.collect.needs import NEEDS, collect
from kubectl_arch.collect.sample_source import SampleSource


def _progress(sample: str) -> list[str]:
    said: list[str] = []
    collect(SampleSource.named(sample), [n for n in NEEDS if n.startswith(("openshift", "nodes"))],
            progress=said.append)
    return said


def test_openshift_reads_are_not_announced_where_they_are_not_sent() -> None:
    said = _progress("minikube")
    assert said and not [line for line in said if "OpenShift" in line], said


def test_openshift_reads_are_announced_on_openshift() -> None:
    assert [line for line in _progress("openshift") if "OpenShift's cluster DNS" in line]
