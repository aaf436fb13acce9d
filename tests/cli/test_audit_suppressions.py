"""A suppressed finding is listed with its reason and expiry in every output format: text, json, junit
(as a skipped testcase carrying the reason) and markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import Arch

REASON, EXPIRES = "load test, OPS-42", "2027-01-31"


@pytest.fixture
def suppressed_run(arch: Arch, tmp_path: Path) -> list[str]:
    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump({
        "thresholds": {"apiserver-overload": {"warn_ratio": 0}},
        "suppressions": [{"check": "apiserver-overload", "reason": REASON, "expires": EXPIRES}]}))
    return ["audit", "--sample", "kind-ha", "--check", "apiserver-overload", "--config", str(config)]


@pytest.mark.parametrize("output", ["text", "wide", "json", "yaml", "markdown", "junit"])
def test_every_format_lists_the_suppression_with_reason_and_expiry(arch: Arch, suppressed_run: list[str],
                                                                   output: str) -> None:
    code, out, err = arch([*suppressed_run, "-o", output])
    assert code == 0, err
    assert REASON in out and EXPIRES in out


def test_junit_marks_a_suppressed_finding_skipped_with_the_reason(arch: Arch, suppressed_run: list[str]) -> None:
    _, out, _ = arch([*suppressed_run, "-o", "junit"])
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    skipped = [case.find("skipped") for case in suite.findall("testcase") if case.get("name", "").endswith(
        ": suppressed")]
    assert [s.get("message") for s in skipped if s is not None] == [f"suppressed until {EXPIRES}: {REASON}"]
    assert int(suite.get("skipped", "0")) >= 1 and int(suite.get("tests", "0")) == len(suite.findall("testcase"))


def test_json_keeps_the_suppression_beside_the_finding(arch: Arch, suppressed_run: list[str]) -> None:
    _, out, _ = arch([*suppressed_run, "-o", "json"])
    assert json.loads(out)["findings"][0]["suppressed"] == {"reason": REASON, "expires": EXPIRES}
