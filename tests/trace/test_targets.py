"""What `trace` accepts on the command line, and how owners' selectors become query strings."""

from __future__ import annotations

import pytest

from kubectl_arch.errors import ExitCode, UsageError
from kubectl_arch.trace.collect import label_selector_text
from kubectl_arch.trace.command import target_from_args
from kubectl_arch.trace.target import Target, parse_target


@pytest.mark.parametrize(("text", "expected"), [
    ("web-1", Target("Pod", "web-1")),
    ("pod/web-1", Target("Pod", "web-1")),
    ("po/web-1", Target("Pod", "web-1")),
    ("deployment/web", Target("Deployment", "web")),
    ("deploy/web", Target("Deployment", "web")),
    ("Deployments/web", Target("Deployment", "web")),
    ("sts/db", Target("StatefulSet", "db")),
    ("statefulset/db", Target("StatefulSet", "db")),
    ("ds/agent", Target("DaemonSet", "agent")),
    ("rs/web-7d9f", Target("ReplicaSet", "web-7d9f")),
    ("job/backup", Target("Job", "backup")),
    ("cronjob/nightly", Target("CronJob", "nightly")),
    ("cj/nightly", Target("CronJob", "nightly")),
    ("cronjobs/nightly", Target("CronJob", "nightly")),
])
def test_parse_target_accepts_kubectl_spellings(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["service/web", "deployment/", "pod/a/b", "cj/", ""])
def test_parse_target_refuses_what_it_cannot_trace(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_target(text)
    assert raised.value.code == ExitCode.USAGE


@pytest.mark.parametrize(("args", "expected"), [
    (("pod", "web-1"), Target("Pod", "web-1")),
    (("pod/web-1",), Target("Pod", "web-1")),
    (("deployment", "web"), Target("Deployment", "web")),
    (("web-1",), Target("Pod", "web-1")),
])
def test_command_arguments(args: tuple[str, ...], expected: Target) -> None:
    assert target_from_args(args) == expected


def test_command_refuses_three_words() -> None:
    with pytest.raises(UsageError):
        target_from_args(("pod", "a", "b"))


def test_label_selector_text_covers_every_operator() -> None:
    selector = {"matchLabels": {"app": "web", "tier": "front"},
                "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "stage"]},
                                     {"key": "canary", "operator": "NotIn", "values": ["true"]},
                                     {"key": "team", "operator": "Exists"},
                                     {"key": "legacy", "operator": "DoesNotExist"}]}
    assert label_selector_text(selector) == "app=web,tier=front,env in (prod,stage),canary notin (true),team,!legacy"
