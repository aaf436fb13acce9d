"""A profile's command carries its note after three spaces and a '#' (`journalctl -u k3s ...   # on a server
node`): a fix prints the note beside the code, never inside the backticks a reader copies, where it would be pasted
with the command (and a backtick in the note would end the code early)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kubectl_arch.audit.registry import catalogue
from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.model.profiles import COMMENT
from tests.checks.one_check import check_findings
from tests.explain.fixtures import the

SPAN = re.compile(r"`([^`]*)`")


def _noted_spans(fix: str) -> list[str]:
    return [span for span in SPAN.findall(fix) if COMMENT.strip() in span and COMMENT in span]


@pytest.mark.parametrize("sample", sample_names())
def test_no_fix_copies_a_note_inside_its_code(sample: str) -> None:
    result = CliRunner().invoke(cli, ["audit", "--sample", sample, "-o", "json"], env={"NO_COLOR": "1"})
    wrong = [(f["check"], span) for f in json.loads(result.output)["findings"]
             for span in _noted_spans(f.get("remediation") or "")]
    assert not wrong, f"{sample}: {wrong}"


@pytest.mark.parametrize("check_id", ["etcd-leader", "etcd-version-agreement"])
def test_k3s_embedded_etcd_fixes_keep_the_note_outside_the_code(check_id: str) -> None:
    check = catalogue()[check_id]
    sample = load_sample("k3s")
    the(sample.store, "Node", "k3s-server")["metadata"]["labels"]["node-role.kubernetes.io/etcd"] = "true"
    findings = check_findings(check_id, SampleSource(sample))
    fixes = [f.fix or check.meta.fix for f in findings]
    assert any("k3s ships no etcdctl" in fix for fix in fixes), fixes
    assert not [span for fix in fixes for span in _noted_spans(fix)], fixes
