"""A count of one takes its noun in the singular, in every output of every sample.

A single-member etcd (minikube, a one-node kubeadm) read "1 stacked members, quorum 1" in audit's evidence
and "1 members" in the Mermaid diagram: counts written into f-strings by hand instead of through
``wording.plural``. The pattern below is the class of error: "1", up to two words, then a plural noun of
the ones these outputs count ("1 of 1 replicas" is a share, and fine).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.conftest import CliResult

COUNTED = "members|nodes|replicas|failures|checks|pods|servers|kubelets|restarts|containers|endpoints|reads"
ONE_WITH_A_PLURAL = re.compile(rf"(?<![\d.,/+-])(?<!of )\b1 (?:[a-z-]+ ){{0,2}}(?:{COUNTED})\b")
COMMANDS = (["explain"], ["explain", "-o", "wide"], ["explain", "-o", "mermaid"], ["explain", "--what-if"],
            ["audit", "-o", "wide"], ["audit", "-o", "json"])


@pytest.mark.parametrize("name", sample_names())
def test_a_count_of_one_is_singular(name: str, run_cli: Callable[..., CliResult]) -> None:
    found = []
    for command in COMMANDS:
        result = run_cli([*command, "--sample", name])
        found += [f"{' '.join(command)}: {match.group(0)!r}" for match in ONE_WITH_A_PLURAL.finditer(result.stdout)]
    assert found == []
