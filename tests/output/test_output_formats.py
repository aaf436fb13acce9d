"""-o jsonpath=…, -o jsonpath-as-json=… and -o name through the real command line, each checked against what
real kubectl prints for the same template over the command's own -o json document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubectl_arch.cli.plugin_completion import completion_lines
from tests.cli.conftest import Arch
from tests.output.test_jsonpath import KUBECTL, kubectl_prints

COMMANDS = {
    "explain": (["explain", "--sample", "kind-ha"],
                ["{.cluster.version}", "{range .components[*]}{.name}{\"\\t\"}{.ready}{\"\\n\"}{end}",
                 "{.nodes[*].name}", "{.nodes[0]}"]),
    "audit": (["audit", "--sample", "kubeadm-degraded"],
              ["{.summary.fail}", "{range .findings[?(@.status==\"fail\")]}{.check} {.object}{\"\\n\"}{end}",
               "{.findings[0].evidence}", "{.cluster}"]),
    "trace": (["trace", "deployment/cart", "-n", "shop", "--sample", "kind-ha"],
              ["{.pod.name}", "{range .stages[*]}{.name}={.status} {.durationSeconds}{\"\\n\"}{end}",
               "{.stuck}", "{.stages[*].evidence}"]),
}


def document(arch: Arch, args: list[str]) -> dict:
    code, out, err = arch([*args, "-o", "json"])
    assert code in (0, 1), err
    return json.loads(out)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_jsonpath_prints_what_kubectl_prints(arch: Arch, tmp_path: Path, command: str) -> None:
    args, templates = COMMANDS[command]
    doc = document(arch, args)
    for template in templates:
        code, out, err = arch([*args, f"-o=jsonpath={template}"])
        assert code in (0, 1), err
        assert out, template
        assert [out] == kubectl_prints(template, [doc], tmp_path), template
        code, out, err = arch([*args, "-o", f"jsonpath-as-json={template}"])
        assert [out] == kubectl_prints(template, [doc], tmp_path, as_json=True), template


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_template_format_needs_its_template(arch: Arch, command: str) -> None:
    args, _ = COMMANDS[command]
    for value in ("jsonpath", "jsonpath="):
        code, out, err = arch([*args, "-o", value])
        assert (code, out) == (2, "")
        assert "needs a template" in err and err.count("\n") == 1


def test_a_malformed_template_is_one_line_exit_2(arch: Arch) -> None:
    code, out, err = arch(["explain", "--sample", "kind-ha", "-o", "jsonpath={.cluster"])
    assert (code, out) == (2, "") and "unclosed action" in err and err.count("\n") == 1


def test_audit_name_lists_the_checks_that_reach_fail_on(arch: Arch) -> None:
    args = ["audit", "--sample", "kubeadm-degraded"]
    doc = document(arch, args)
    statuses = {c["check"]: c["status"] for c in doc["checks"]}
    code, out, _ = arch([*args, "-o", "name"])
    assert code == 1
    assert out.splitlines() == [i for i, s in statuses.items() if s == "fail"]
    code, out, _ = arch([*args, "-o", "name", "--fail-on", "warn"])
    assert out.splitlines() == [i for i, s in statuses.items() if s in ("warn", "fail")]


def test_audit_list_name_lists_every_check_id(arch: Arch) -> None:
    from kubectl_arch.audit.registry import catalogue

    code, out, _ = arch(["audit", "--list", "-o", "name"])
    assert code == 0 and out.splitlines() == list(catalogue())


def test_output_values_complete_with_the_template_forms() -> None:
    values = [line.split("\t")[0] for line in completion_lines(["audit", "-o", "j"])]
    assert values == ["json", "junit", "jsonpath=", "jsonpath-as-json=", ":4"]
