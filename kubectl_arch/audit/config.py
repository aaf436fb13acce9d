"""``audit --config FILE``: thresholds per check, checks turned off, and suppressions with an end date.

Every mistake in the file is one line naming where it is (exit 2), because a CI job that silently ignores
a typo in its audit policy audits something other than what its owners think::

    thresholds:
      kubelet-version-skew: {max_minor_skew: 2}
    disabled: [kube-proxy-mode]
    suppressions:
      - check: node-readiness
        object: node/worker-3          # optional: without it, every finding of the check
        reason: being decommissioned, OPS-123
        expires: 2026-12-31            # required: the last day the suppression applies
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Thresholds
from kubectl_arch.audit.registry import Check
from kubectl_arch.errors import UsageError

TOP_LEVEL_KEYS = ("thresholds", "disabled", "suppressions")
SUPPRESSION_KEYS = ("check", "object", "reason", "expires")


@dataclass(frozen=True)
class Suppression:
    """An accepted risk: findings of ``check`` (about ``object``, if given) stop counting until ``expires``."""

    check: str
    reason: str
    expires: dt.date
    object: str | None = None

    def matches(self, finding: Finding) -> bool:
        return finding.check == self.check and (self.object is None or finding.object == self.object)

    def expired(self, now: dt.datetime) -> bool:
        """Expired after the end of its ``expires`` day, measured against the data's clock."""
        return now.date() > self.expires

    def describe(self) -> str:
        target = f"{self.check} on {self.object}" if self.object else self.check
        return f"{target} until {self.expires.isoformat()} ({self.reason})"


@dataclass(frozen=True)
class AuditConfig:
    """The validated contents of a config file; the empty config changes nothing."""

    thresholds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    suppressions: tuple[Suppression, ...] = ()
    origin: str = ""

    def thresholds_for(self, meta: CheckMeta) -> Thresholds:
        """The check's defaults with this file's overrides on top (which ones the file set is kept)."""
        return Thresholds(meta.thresholds, self.thresholds.get(meta.id, {}))


def load_config(path: str | None, checks: Mapping[str, Check]) -> AuditConfig:
    """Read and validate ``path`` against the catalogue; no path means the defaults."""
    if not path:
        return AuditConfig()
    import yaml

    try:
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_loader())
    except OSError as exc:
        raise UsageError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:  # a binary file, or a character YAML refuses
        raise UsageError(f"config {path} is not a text YAML file: {str(exc)[:120]}") from None
    except RecursionError:
        raise UsageError(f"config {path} is nested too deeply to be an audit config") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise UsageError(f"config {path}{where} is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return parse_config(doc, checks, origin=path)


def _loader() -> Any:
    """PyYAML's safe loader, except that a date that does not exist (2026-02-30) stays text: it raised a ValueError
    mid-parse that named no key, and ``_date`` now refuses it with where it is."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


def parse_config(doc: Any, checks: Mapping[str, Check], origin: str = "config") -> AuditConfig:
    """Validate a parsed config document; the first problem raises ``UsageError``."""
    if doc is None:
        return AuditConfig(origin=origin)
    _expect(isinstance(doc, dict), origin, "", "a mapping with keys " + ", ".join(TOP_LEVEL_KEYS), doc)
    for key in doc:
        _expect(key in TOP_LEVEL_KEYS, origin, str(key), "one of " + ", ".join(TOP_LEVEL_KEYS), key)
    return AuditConfig(
        thresholds=_thresholds(doc.get("thresholds") or {}, checks, origin),
        disabled=frozenset(_disabled(doc.get("disabled") or [], checks, origin)),
        suppressions=tuple(_suppressions(doc.get("suppressions") or [], checks, origin)),
        origin=origin,
    )


def _thresholds(section: Any, checks: Mapping[str, Check], origin: str) -> dict[str, dict[str, Any]]:
    _expect(isinstance(section, dict), origin, "thresholds", "a mapping of check id to thresholds", section)
    out: dict[str, dict[str, Any]] = {}
    for check_id, values in section.items():
        where = f"thresholds.{check_id}"
        _known_check(check_id, checks, origin, where)
        defaults = checks[check_id].meta.thresholds
        _expect(isinstance(values, dict), origin, where, "a mapping of threshold name to value", values)
        for name, value in values.items():
            known = ", ".join(defaults) or "none"
            _expect(name in defaults, origin, f"{where}.{name}", f"a threshold of {check_id} ({known})", name)
            _expect(_same_type(defaults[name], value), origin, f"{where}.{name}",
                    f"a {_type_name(defaults[name])} like the default {defaults[name]!r}", value)
            _expect(not _is_number(value) or value >= 0, origin, f"{where}.{name}", "a number of 0 or more", value)
        _warn_before_fail(defaults, values, origin, where)
        out[check_id] = dict(values)
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _warn_before_fail(defaults: Mapping[str, Any], values: Mapping[str, Any], origin: str, where: str) -> None:
    """A warning level past its failure level (warn_days 10, fail_days 30) would never warn: every finding
    between them fails at once. Which way "past" is comes from the defaults (days count down, percents up)."""
    for warn in defaults:
        fail = warn.replace("warn", "fail")
        if fail == warn or fail not in defaults or not (_is_number(defaults[warn]) and _is_number(defaults[fail])):
            continue
        higher = defaults[warn] > defaults[fail]
        if defaults[warn] == defaults[fail] or not (warn in values or fail in values):
            continue
        warn_value, fail_value = values.get(warn, defaults[warn]), values.get(fail, defaults[fail])
        if (warn_value < fail_value) if higher else (warn_value > fail_value):
            raise UsageError(
                f"{origin}: {where}: {_named(warn, values, warn_value)} is {'below' if higher else 'above'} "
                f"{_named(fail, values, fail_value)}, so it would never warn ({warn} is the "
                f"{'higher' if higher else 'lower'}, as in the defaults {defaults[warn]!r} and {defaults[fail]!r})")


def _named(key: str, values: Mapping[str, Any], value: Any) -> str:
    return f"{key} {value!r}" + ("" if key in values else " (the default)")


def _disabled(section: Any, checks: Mapping[str, Check], origin: str) -> list[str]:
    _expect(isinstance(section, list), origin, "disabled", "a list of check ids", section)
    for index, check_id in enumerate(section):
        _known_check(check_id, checks, origin, f"disabled[{index}]")
    return [str(c) for c in section]


def _suppressions(section: Any, checks: Mapping[str, Check], origin: str) -> list[Suppression]:
    _expect(isinstance(section, list), origin, "suppressions", "a list of suppressions", section)
    out: list[Suppression] = []
    for index, entry in enumerate(section):
        where = f"suppressions[{index}]"
        _expect(isinstance(entry, dict), origin, where, "a mapping with check, reason, expires", entry)
        for key in entry:
            _expect(key in SUPPRESSION_KEYS, origin, f"{where}.{key}", "one of " + ", ".join(SUPPRESSION_KEYS), key)
        _known_check(entry.get("check"), checks, origin, f"{where}.check")
        reason = entry.get("reason")
        _expect(isinstance(reason, str) and bool(reason.strip()), origin, f"{where}.reason",
                "a non-empty reason (why the risk is accepted)", reason)
        target = entry.get("object")
        _expect(target is None or isinstance(target, str), origin, f"{where}.object", "a string like node/worker-1",
                target)
        out.append(Suppression(check=entry["check"], reason=str(reason).strip(),
                               expires=_date(entry.get("expires"), origin, f"{where}.expires"), object=target))
    return out


def _date(value: Any, origin: str, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"{origin}: {where}: expected a date YYYY-MM-DD, got {value!r}")


def _known_check(check_id: Any, checks: Mapping[str, Check], origin: str, where: str) -> None:
    if not isinstance(check_id, str) or check_id not in checks:
        raise UsageError(f"{origin}: {where}: unknown check id {check_id!r}",
                         hint="list them with `kubectl arch audit --list`")


def _same_type(default: Any, value: Any) -> bool:
    """Thresholds keep their default's type; an integer is accepted where a float is expected."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, list) and default:  # a list of names: each entry as the default's (a check hashes them)
        return isinstance(value, list) and all(_same_type(default[0], item) for item in value)
    return isinstance(value, type(default))


def _type_name(value: Any) -> str:
    names = {bool: "boolean", int: "whole number", float: "number", str: "string", list: "list"}
    if isinstance(value, list) and value:
        return f"list of {_type_name(value[0])}s"
    return names.get(type(value), type(value).__name__)


def _expect(condition: bool, origin: str, where: str, expected: str, got: Any) -> None:
    if not condition:
        location = f"{where}: " if where else ""
        raise UsageError(f"{origin}: {location}expected {expected}, got {got!r}")
