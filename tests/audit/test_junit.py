"""-o junit follows the common JUnit XML schema (the Jenkins/Ant XSD shape) and means what JUnit means.

xmlschema is not a dependency, so the schema's rules are written out here and checked on the parsed XML:

- root ``<testsuites>``: attributes within {name, time, tests, failures, disabled, errors}; only
  ``<testsuite>`` children; its ``tests``/``failures``/``errors`` equal the sums over its suites.
- ``<testsuite>``: ``name`` and ``tests`` required; attributes within the XSD's set; children in the order
  ``properties?, testcase*, system-out?, system-err?``; ``tests``, ``failures``, ``errors``, ``skipped``
  equal the counts of its testcases and their outcomes; ``timestamp`` an xs:dateTime without a zone;
  ``time`` a decimal.
- ``<properties>`` holds only ``<property name= value=>``.
- ``<testcase>``: ``name`` and ``classname`` required; attributes within {name, classname, assertions,
  time, status, file, line}; children only skipped/error/failure/system-out/system-err, with at most one
  of skipped/error/failure; ``<failure>`` and ``<error>`` carry ``message`` and ``type``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.registry import Check, select
from kubectl_arch.audit.report.junit import to_junit
from kubectl_arch.audit.runner import AuditReport, ClusterInfo, evaluate_checks, run_audit
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource

SampleFactory = Callable[[str], SampleSource]

SUITES_ATTRIBUTES = {"name", "time", "tests", "failures", "disabled", "errors"}
SUITE_ATTRIBUTES = {"name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname",
                    "id", "package", "file", "log", "url", "version"}
CASE_ATTRIBUTES = {"name", "classname", "assertions", "time", "status", "file", "line"}
CASE_CHILDREN = {"skipped", "error", "failure", "system-out", "system-err"}
DATETIME_WITHOUT_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")
DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def validate_junit(text: str) -> ET.Element:
    """Apply the schema rules above; returns the root for further assertions."""
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert set(root.attrib) <= SUITES_ATTRIBUTES, set(root.attrib) - SUITES_ATTRIBUTES
    assert all(child.tag == "testsuite" for child in root)
    for key in ("tests", "failures", "errors"):
        assert int(root.get(key, "0")) == sum(int(s.get(key, "0")) for s in root)
    for suite in root:
        _validate_suite(suite)
    return root


def _validate_suite(suite: ET.Element) -> None:
    assert {"name", "tests"} <= set(suite.attrib) and set(suite.attrib) <= SUITE_ATTRIBUTES
    order = {"properties": 0, "testcase": 1, "system-out": 2, "system-err": 3}
    positions = [order[child.tag] for child in suite]
    assert positions == sorted(positions) and positions.count(0) <= 1
    assert DECIMAL.match(suite.get("time", "0"))
    if "timestamp" in suite.attrib:
        assert DATETIME_WITHOUT_ZONE.match(suite.attrib["timestamp"])
    for properties in suite.findall("properties"):
        assert all(p.tag == "property" and set(p.attrib) == {"name", "value"} for p in properties)
    cases = suite.findall("testcase")
    assert int(suite.attrib["tests"]) == len(cases)
    for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        assert int(suite.get(key, "0")) == sum(1 for case in cases if case.find(tag) is not None)
    for case in cases:
        assert {"name", "classname"} <= set(case.attrib) and set(case.attrib) <= CASE_ATTRIBUTES
        assert {child.tag for child in case} <= CASE_CHILDREN
        assert sum(1 for child in case if child.tag in ("skipped", "error", "failure")) <= 1
        for outcome in [*case.findall("failure"), *case.findall("error")]:
            assert {"message", "type"} <= set(outcome.attrib)


def _cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.attrib["name"].split(":", 1)[0]: case for case in root.iter("testcase")}


def test_kind_ha_is_valid_and_all_cases_pass_or_skip(sample_source: SampleFactory) -> None:
    report = run_audit(sample_source("kind-ha"), select(), AuditConfig())
    root = validate_junit(to_junit([report]))
    suite = root[0]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    assert suite.get("timestamp") == "2026-11-20T09:00:00"
    assert _cases(root)["etcd-member-count"].find("system-out") is not None


def test_fail_on_decides_whether_warnings_are_failures(sample_source: SampleFactory) -> None:
    report = run_audit(sample_source("kubeadm-degraded"), select(), AuditConfig())
    warned = [r.meta.id for r in report.results if r.status is Status.WARN]
    failed = [r.meta.id for r in report.results if r.status is Status.FAIL]
    assert warned and failed
    default = _cases(validate_junit(to_junit([report])))
    strict = _cases(validate_junit(to_junit([report], Status.WARN)))
    for check_id in failed:
        failure = default[check_id].find("failure")
        assert failure is not None and failure.get("type") == "fail"
        assert "Why it matters:" in (failure.text or "") and "Fix:" in (failure.text or "")
    for check_id in warned:
        assert default[check_id].find("failure") is None and "WARN" in (default[check_id].findtext("system-out") or "")
        assert strict[check_id].find("failure") is not None


def test_a_crashed_check_is_an_error_and_an_unreadable_cluster_is_reported(sample_source: SampleFactory) -> None:
    def explode(_data: Any, _thresholds: Mapping[str, Any]) -> list[Finding]:
        raise RuntimeError("bug")

    meta = CheckMeta(id="boom", title="Boom", component="nodes", why="w", fix="f", references=("https://x",),
                     needs=("nodes",))
    data = collect(sample_source("kind-ha"), ["nodes", "version"])
    report = evaluate_checks(data, [Check(meta, explode, Path("."))], AuditConfig())
    dead = AuditReport(ClusterInfo("prod", "https://10.0.0.1:6443", "unknown", "context prod"), [],
                       error="connection refused")
    root = validate_junit(to_junit([report, dead]))
    assert root.get("errors") == "2" and len(root) == 2
    error = _cases(root)["boom"].find("error")
    assert error is not None and "RuntimeError: bug" in error.get("message", "")
    assert _cases(root)["cluster-readable"].find("error") is not None


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    """The rules above can fail: a testcase without classname and miscounted suites are caught."""
    with pytest.raises(AssertionError):
        validate_junit('<testsuites tests="1"><testsuite name="s" tests="1"><testcase name="c"/></testsuite>'
                       '</testsuites>')
    with pytest.raises(AssertionError):
        validate_junit('<testsuites tests="1" failures="0"><testsuite name="s" tests="1" failures="0">'
                       '<testcase name="c" classname="k"><failure message="m" type="t"/></testcase>'
                       '</testsuite></testsuites>')
    with pytest.raises(AssertionError):
        validate_junit('<testsuites><testsuite name="s" tests="0" timestamp="2026-11-20T09:00:00Z"/></testsuites>')
