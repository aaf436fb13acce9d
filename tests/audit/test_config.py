"""--config files: valid ones load, and every mistake is one line naming where it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.config import load_config, parse_config
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.errors import ExitCode, UsageError

VALID = """
thresholds:
  kubelet-version-skew: {max_minor_skew: 2}
  apiserver-overload: {warn_ratio: 0, fail_ratio: 0.05}
disabled: [kube-proxy-mode]
suppressions:
  - check: node-readiness
    object: node/worker-3
    reason: being decommissioned, OPS-123
    expires: 2026-12-31
  - check: etcd-member-count
    reason: lab cluster
    expires: "2027-01-15"
"""


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "audit.yaml"
    path.write_text(VALID)
    config = load_config(str(path), catalogue())
    assert config.disabled == frozenset({"kube-proxy-mode"})
    assert config.thresholds_for(catalogue()["kubelet-version-skew"].meta) == {"max_minor_skew": 2}
    overload = config.thresholds_for(catalogue()["apiserver-overload"].meta)
    assert overload == {"warn_ratio": 0, "fail_ratio": 0.05, "min_window_requests": 100}
    first, second = config.suppressions
    assert (first.check, first.object, first.expires) == ("node-readiness", "node/worker-3", dt.date(2026, 12, 31))
    assert (second.object, second.expires) == (None, dt.date(2027, 1, 15))


def test_no_file_and_an_empty_file_change_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    for config in (load_config(None, catalogue()), load_config(str(empty), catalogue())):
        assert not config.thresholds and not config.disabled and not config.suppressions


@pytest.mark.parametrize(("document", "message"), [
    ({"thresholds": {"no-such-check": {"x": 1}}}, "thresholds.no-such-check: unknown check id 'no-such-check'"),
    ({"disabled": ["etcd-member-count", "nope"]}, "disabled[1]: unknown check id 'nope'"),
    ({"thresholds": {"etcd-member-count": {"min_member": 3}}},
     "thresholds.etcd-member-count.min_member: expected a threshold"),
    ({"thresholds": {"etcd-member-count": {"min_members": "three"}}},
     "expected a whole number like the default 3, got 'three'"),
    ({"thresholds": {"apiserver-overload": {"warn_ratio": True}}}, "warn_ratio: expected a number"),
    ({"suppressions": [{"check": "node-readiness", "reason": "r", "expires": "next week"}]},
     "suppressions[0].expires: expected a date YYYY-MM-DD, got 'next week'"),
    ({"suppressions": [{"check": "node-readiness", "reason": "r"}]}, "suppressions[0].expires: expected a date"),
    ({"suppressions": [{"check": "node-readiness", "expires": "2026-12-31"}]},
     "suppressions[0].reason: expected a non-empty"),
    ({"suppressions": [{"check": "node-readiness", "reason": "r", "expires": "2026-12-31", "until": 1}]},
     "suppressions[0].until: expected one of check, object, reason, expires"),
    ({"suppresions": []}, "suppresions: expected one of thresholds, disabled, suppressions"),
    (["a", "list"], "expected a mapping"),
])
def test_mistakes_are_one_line_usage_errors(document: Any, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_config(document, catalogue(), origin="audit.yaml")
    line = caught.value.one_line()
    assert message in line and line.startswith("audit.yaml: ")
    assert "\n" not in line and caught.value.code == ExitCode.USAGE


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read config"):
        load_config(str(tmp_path / "missing.yaml"), catalogue())
    broken = tmp_path / "broken.yaml"
    broken.write_text("thresholds: [unclosed\n")
    with pytest.raises(UsageError, match=r"broken.yaml line \d+ is not valid YAML"):
        load_config(str(broken), catalogue())


def test_an_impossible_date_names_the_suppression_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.yaml"
    path.write_text("suppressions:\n  - {check: node-readiness, reason: r, expires: 2026-02-30}\n")
    with pytest.raises(UsageError) as caught:
        load_config(str(path), catalogue())
    line = caught.value.one_line()
    assert "suppressions[0].expires: expected a date YYYY-MM-DD, got '2026-02-30'" in line, line
    assert "not a text YAML file" not in line


def test_a_date_and_time_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "audit.yaml"
    path.write_text("suppressions:\n  - {check: node-readiness, reason: r, expires: 2026-12-31T10:00:00Z}\n")
    assert load_config(str(path), catalogue()).suppressions[0].expires == dt.date(2026, 12, 31)


@pytest.mark.parametrize(("document", "message"), [
    ({"thresholds": {"apiserver-certificate-expiry": {"warn_days": -5}}},
     "thresholds.apiserver-certificate-expiry.warn_days: expected a number of 0 or more, got -5"),
    ({"thresholds": {"scheduler-latency": {"p99_fail_seconds": -0.5}}}, "p99_fail_seconds: expected a number of 0"),
    ({"thresholds": {"apiserver-certificate-expiry": {"warn_days": 10, "fail_days": 30}}},
     "thresholds.apiserver-certificate-expiry: warn_days 10 is below fail_days 30, so it would never warn "
     "(warn_days is the higher, as in the defaults 30 and 7)"),
    ({"thresholds": {"etcd-db-size": {"warn_percent": 97}}},
     "thresholds.etcd-db-size: warn_percent 97 is above fail_percent 95 (the default), so it would never warn "
     "(warn_percent is the lower, as in the defaults 80 and 95)"),
    ({"thresholds": {"controller-workqueues": {"depth_fail": 50}}},
     "depth_warn 100 (the default) is above depth_fail 50"),
])
def test_thresholds_that_could_never_warn_are_refused(document: Any, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_config(document, catalogue(), origin="audit.yaml")
    line = caught.value.one_line()
    assert message in line, line
    assert "\n" not in line and caught.value.code == ExitCode.USAGE


def test_a_warning_level_equal_to_the_failure_level_is_allowed() -> None:
    config = parse_config({"thresholds": {"etcd-db-size": {"warn_percent": 95}}}, catalogue())
    assert config.thresholds_for(catalogue()["etcd-db-size"].meta) == {"warn_percent": 95, "fail_percent": 95}


def test_a_list_threshold_holds_what_its_default_holds() -> None:
    with pytest.raises(UsageError) as caught:
        parse_config({"thresholds": {"pods-without-requests": {"ignore_namespaces": ["kube-system", 1]}}}, catalogue(),
                     origin="audit.yaml")
    assert "ignore_namespaces: expected a list of strings like the default ['kube-system'], got ['kube-system', 1]" \
        in caught.value.one_line()
    config = parse_config({"thresholds": {"pods-without-requests": {"ignore_namespaces": []}}}, catalogue())
    assert config.thresholds_for(catalogue()["pods-without-requests"].meta)["ignore_namespaces"] == []
