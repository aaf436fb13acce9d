"""A node-layer view that says its pods are not listed is right about it: no pod of that namespace was read. On
OpenShift explain reads openshift-dns's pods (the DNS DaemonSet's, one per node), so the dns view shows them
instead of 'its pods run in namespace openshift-dns, which explain does not list'. Held over every sample and
layout."""

from __future__ import annotations

import re

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data

EVERY_CLUSTER = [*sample_names(), *LAYOUTS, *VARIANTS]
NOT_LISTED = re.compile(r"its pods run in namespace (\S+), which explain does not list")


@pytest.mark.parametrize("name", EVERY_CLUSTER)
def test_a_namespace_said_not_listed_had_no_pod_read(name: str) -> None:
    data = cluster_data(name)
    read = {pod["metadata"].get("namespace") for response in data.responses.values() if response.ok
            and isinstance(response.data, dict) for pod in response.items
            if isinstance(pod, dict) and pod.get("kind", "Pod") == "Pod" and "spec" in pod
            and "containers" in (pod.get("spec") or {})}
    for view in build_map(data).components:
        for note in view.notes:
            if (match := NOT_LISTED.search(note)) is not None:
                assert match.group(1) not in read, f"{name} {view.name}: {note}, yet its pods were read"
