"""Each sample's facts table (``facts:`` in its sample.yaml, reviewed against its objects) is what the fact base
computes from it: a change to the model that moves a fact shows here, sample by sample."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kubectl_arch.collect.sample_source import SAMPLES_DIR, sample_names
from kubectl_arch.model.facts import cluster_facts, facts_data
from tests.explain.fixtures import sample_data


def _table(facts: dict[str, Any]) -> dict[str, Any]:
    store = facts["datastore"]
    elections = {}
    for component, election in facts["leaderElection"].items():
        if component == "cloud-controller-manager":
            continue
        elections[component] = {key: election[key] for key in ("lock", "namespace", "name", "holderNode", "holderHost",
                                                                  "held")} \
            if election["enabled"] else {"enabled": False}
    return {
        "distribution": facts["distribution"], "controlPlane": facts["controlPlane"],
        "readyz": facts["health"]["readyz"]["ok"], "livez": facts["health"]["livez"]["ok"],
        "apiServers": facts["components"]["kube-apiserver"]["replicas"],
        "datastore": {key: store[key] for key in ("kind", "members", "quorum", "failuresTolerated", "quotaBytes",
                                                  "quotaAssumed")},
        "leaderElection": elections, "serviceProxy": facts["serviceProxy"]["mode"],
        "dns": {"kind": facts["dns"]["kind"], "ready": facts["dns"]["ready"]}, "nodes": facts["nodes"]["total"],
    }


@pytest.mark.parametrize("sample", sample_names())
def test_sample_facts_table_matches_the_fact_base(sample: str) -> None:
    reviewed = (yaml.safe_load((SAMPLES_DIR / sample / "sample.yaml").read_text()) or {}).get("facts")
    assert reviewed, f"{sample}: sample.yaml has no facts table"
    assert _table(facts_data(cluster_facts(sample_data(sample)))) == reviewed
