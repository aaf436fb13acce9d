"""What people read in a terminal: URLs whole, no trailing blanks, readable evidence, an exit-code hint."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kubectl_arch.audit.report.evidence import evidence_items, evidence_line

URL = re.compile(r"https?://\S+")


def test_evidence_gets_units_words_and_short_lists() -> None:
    items = evidence_items({
        "p99_seconds": 0.962644, "warnAboveSeconds": 0.1, "quotaBytes": 2147483648, "samples": 4775075,
        "failures_tolerated": 0, "ca": False, "sha256": "ce8e48135087b752006834b8d5075ca3ac5a55ed6a805e905bf2e350",
        "pods": ["a", "b", "c", "d", "e"], "apf_rejected": {"workload-low (queue-full)": 2987},
        "failed": {"etcd": "reason withheld"},
        "slowestOperations": [{"operation": "create", "object": "events", "p99_seconds": 0.5, "samples": 12}],
    })
    assert items == [
        "p99: 962.6 ms", "warn above: 100 ms", "quota: 2.00 GiB", "samples: 4,775,075", "failures tolerated: 0",
        "ca: no", "sha256: ce8e48135087…", "pods: a, b, c (+2 more)", "apf rejected: workload-low (queue-full) 2987",
        "failed: etcd (reason withheld)", "slowest operations: create events (p99 500 ms, samples 12)",
    ]
    assert evidence_line({"mode": "stacked", "members": 2}) == "mode: stacked · members: 2"


@pytest.mark.parametrize("columns", ["80", "100"])
def test_failures_read_top_to_bottom_with_whole_urls(run_cli: Callable[..., Any], columns: str) -> None:
    from kubectl_arch.audit.registry import catalogue

    code, out, err = run_cli(["audit", "--sample", "kubeadm-degraded"], env={"COLUMNS": columns})
    assert code == 1, err
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines), "trailing blanks"
    printed_urls = set(URL.findall(out))
    for check_id in ("etcd-member-count", "webhook-ca-expiry"):
        assert set(catalogue()[check_id].meta.references) <= printed_urls  # each URL whole, on one line
    start = next(i for i, line in enumerate(lines) if "FAIL etcd-member-count" in line)
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("       "))
    labels = [line.split()[0] for line in lines[start + 1:end]
              if line[7] != " " and line.split()[0].endswith(":")]  # labels sit under the id
    assert labels == ["evidence:", "why:", "fix:", "see:"]
    assert re.search(r"evidence: +mode: stacked · members: 2 ·", out)
    summary = lines.index("27 checks: 2 pass, 5 warn, 9 fail, 11 skip")
    assert lines[summary + 1:] == ["Exit code 1: 9 checks reach --fail-on fail (see --config for suppressions)."]


def test_a_healthy_cluster_is_one_line_per_check_and_no_hint(run_cli: Callable[..., Any]) -> None:
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "--check", "etcd-member-count",
                              "--check", "node-readiness"], env={"COLUMNS": "100"})
    assert code == 0, err
    assert re.search(r"^  PASS etcd-member-count +3 members: quorum 2, tolerates 1 failure$", out, re.M)
    assert "evidence:" not in out and "why:" not in out and "Exit code" not in out


def test_warnings_say_how_to_make_ci_fail_on_them(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("thresholds:\n  apiserver-overload: {warn_ratio: 0}\n")
    code, out, _ = run_cli(["audit", "--sample", "kind-ha", "--check", "apiserver-overload", "--config", str(config)])
    assert code == 0
    assert out.endswith("Exit code 0: warnings do not fail the run (--fail-on warn makes them fail).\n")


def test_wrapping_keeps_commands_whole_and_never_breaks_a_long_word() -> None:
    from kubectl_arch.output.wrap import wrap

    text = "Read it with `kubectl get --raw /readyz/etcd` first, then see https://example.com/" + "a" * 40
    lines = wrap(text, 40)
    assert any("`kubectl get --raw /readyz/etcd`" in line for line in lines)
    assert lines[-1] == "https://example.com/" + "a" * 40
    assert all(len(line) <= 40 for line in lines[:-1])


def test_a_fully_suppressed_check_shows_what_was_suppressed(run_cli: Callable[..., Any], tmp_path: Any) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("thresholds:\n  apiserver-overload: {warn_ratio: 0}\nsuppressions:\n"
                      "- {check: apiserver-overload, reason: load test, expires: '2027-01-31'}\n")
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "--check", "apiserver-overload", "--config", str(config)])
    assert code == 0, err
    assert "PASS apiserver-overload" in out and "every finding is suppressed" in out
    assert "       suppressed:\n" in out and "(load test)" in out
    assert "(1 suppressed)" in out and "Exit code" not in out


@pytest.mark.parametrize(("output", "said"), [("wide", "1 check: 1 pass"), ("html", "<p>1 check.")])
def test_one_check_is_counted_in_the_singular_in_the_summary(output: str, said: str) -> None:
    """`audit --check ID` ended with '1 checks: 1 pass, ...' (and the page with '1 checks.')."""
    from click.testing import CliRunner

    from kubectl_arch.cli.main import cli

    result = CliRunner().invoke(cli, ["audit", "--check", "node-readiness", "--sample", "kind-ha", "-o", output],
                                env={"NO_COLOR": "1"})
    assert said in result.output


PLAIN_LINE_CASES = [
    [("  ", ""), ("FAIL", "bold red"), (" ", ""), ("etcd-member-count", "bold"), ("  2 members", "")],
    [("bell\x07 back\x08space vt\x0b ff\x0c cr\r", "")],  # the control codes rich's Text strips
    [("esc \x1b]0;title\x07 c1 \x85 del \x7f", "dim")],  # shown by the console, never obeyed
    [("two\nlines", ""), ("", "bold")],
    [("", "")],
    [("a tab\there", "")],  # rich expands it: printed through Text
    [("x" * 150 + "   ", "")],  # past the margin, with trailing blanks
]


@pytest.mark.parametrize("segments", PLAIN_LINE_CASES)
def test_a_plain_line_prints_what_richs_text_prints(segments: list[tuple[str, str]]) -> None:
    import io

    from kubectl_arch.audit.report.terminal import _print, _print_text
    from kubectl_arch.output.console import LineConsole, make_console, trimmed_lines

    def printed(how: Callable[..., None], console: Any) -> str:
        with trimmed_lines(console):
            how(console, segments)
            console.print()
        assert isinstance(console.file, io.StringIO)
        return console.file.getvalue()

    expected = printed(_print_text, make_console(io.StringIO(), width=100))
    assert printed(_print, make_console(io.StringIO(), width=100)) == expected
    assert printed(_print, LineConsole(io.StringIO(), width=100)) == expected


def test_the_control_codes_stripped_are_richs() -> None:
    from rich.control import STRIP_CONTROL_CODES

    from kubectl_arch.audit.report.terminal import STRIPPED_CONTROLS

    assert sorted(STRIPPED_CONTROLS) == sorted(STRIP_CONTROL_CODES)


def test_a_plain_report_imports_no_rich(cli_home: Any) -> None:
    from tests.conftest import command_probe, probe_report

    probe = command_probe(["audit", "--sample", "kubeadm-degraded"],
                          "{'code': code, 'rich': sorted(m for m in sys.modules if m.split('.')[0] == 'rich')}")
    assert probe_report(probe, cli_home) == {"code": 1, "rich": []}


def test_a_plain_report_lays_out_no_rich_text(run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.text import Text

    expected = run_cli(["audit", "--sample", "kubeadm-degraded"])

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a plain line was laid out as rich Text")

    monkeypatch.setattr(Text, "assemble", refuse)
    assert run_cli(["audit", "--sample", "kubeadm-degraded"]) == expected


def test_skips_for_one_reason_say_it_once_and_point_to_it(run_cli: Callable[..., Any]) -> None:
    """kind-ha's eight etcd checks cannot read etcd's metrics for one reason: the first says it, the others point to
    it; -o wide and the JSON still give each its own message."""
    text = run_cli(["audit", "--sample", "kind-ha"], env={"COLUMNS": "100"}).stdout
    etcd = text.split("\netcd\n", 1)[1].split("\n\n", 1)[0]
    assert etcd.count("--listen-metrics-urls") == 1
    pointers = re.findall(r"SKIP (\S+) +same reason as (\S+) \(above\)", etcd)
    assert len(pointers) == 7 and {anchor for _, anchor in pointers} == {"etcd-fragmentation"}
    assert etcd.index("SKIP etcd-fragmentation") < etcd.index("same reason as")
    wide = run_cli(["audit", "--sample", "kind-ha", "-o", "wide"]).stdout
    assert "same reason as" not in wide and wide.count("--listen-metrics-urls") >= 8
    import json

    findings = json.loads(run_cli(["audit", "--sample", "kind-ha", "-o", "json"]).stdout)["findings"]
    assert not any("same reason as" in f["message"] for f in findings)
    table = run_cli(["audit", "--sample", "kind-ha", "-o", "markdown"]).stdout.split("\n\n<details>", 1)[0]
    assert table.count("--listen-metrics-urls") == 1 and table.count("same reason as etcd-fragmentation") == 7
    page = run_cli(["audit", "--sample", "kind-ha", "-o", "html"]).stdout
    assert page.count('same reason as <a href="#kind-kind-ha-etcd-fragmentation">') == 7
    assert page.count("--listen-metrics-urls") == 2  # the first card's message and its evidence


def test_a_skip_with_its_own_reason_is_never_pointed_elsewhere() -> None:
    from kubectl_arch.audit.check import Finding, Status
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.terminal import render_terminal
    from kubectl_arch.audit.runner import AuditReport, CheckResult, ClusterInfo
    from kubectl_arch.output.console import LineConsole

    checks = catalogue()
    results = [CheckResult(checks[i].meta, [Finding(i, Status.SKIP, why)]) for i, why in (
        ("etcd-leader", "reason A"), ("etcd-proposals", "reason B"), ("etcd-fragmentation", "reason A"))]
    import io

    out = io.StringIO()
    render_terminal([AuditReport(ClusterInfo("c", "s", "v1", "x"), results)], LineConsole(out, width=100))
    text = out.getvalue()
    assert re.search(r"SKIP etcd-leader +reason A", text) and re.search(r"SKIP etcd-proposals +reason B", text)
    assert re.search(r"SKIP etcd-fragmentation +same reason as etcd-leader \(above\)", text)


def test_a_check_with_many_findings_shows_ten_and_counts_the_rest() -> None:
    """A cluster mid-upgrade with thousands of kubelets behind printed a line per node; -o wide keeps them all."""
    import io

    from kubectl_arch.audit.check import Finding, Status
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.brevity import FINDINGS_SHOWN
    from kubectl_arch.audit.report.terminal import render_terminal
    from kubectl_arch.audit.runner import AuditReport, CheckResult, ClusterInfo
    from kubectl_arch.output.console import LineConsole

    meta = catalogue()["kubelet-version-skew"].meta
    findings = [Finding(meta.id, Status.WARN, f"node worker-{i:04d}: kubelet v1.29.0 is 3 minor versions behind",
                        evidence={"kubelet": "v1.29.0"}, object=f"node/worker-{i:04d}") for i in range(2_500)]
    findings.insert(1_234, Finding(meta.id, Status.FAIL, "node worker-x: kubelet v1.27.0 is 5 minor versions behind",
                                   evidence={"kubelet": "v1.27.0"}, object="node/worker-x"))
    report = AuditReport(ClusterInfo("c", "s", "v1.32.0", "x"), [CheckResult(meta, findings)])

    def text(wide: bool) -> str:
        out = io.StringIO()
        render_terminal([report], LineConsole(out, width=120), wide=wide)
        return out.getvalue()

    plain = text(False)
    assert plain.count("minor versions behind") == FINDINGS_SHOWN
    assert "worker-x: kubelet v1.27.0" in plain.split("\n")[4], "the worst finding comes first"
    assert "2,491 more findings of this check: -o wide or -o json lists every one" in plain
    assert plain.count("evidence:") <= 2
    assert text(True).count("minor versions behind") == 2_501


def test_a_markdown_comment_shows_a_few_findings_per_row_and_ten_in_the_details() -> None:
    from kubectl_arch.audit.check import Finding, Status
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.markdown import ROW_MESSAGES, to_markdown
    from kubectl_arch.audit.runner import AuditReport, CheckResult, ClusterInfo

    meta = catalogue()["kubelet-version-skew"].meta
    findings = [Finding(meta.id, Status.WARN, f"node worker-{i:04d} is behind", object=f"node/worker-{i:04d}")
                for i in range(500)]
    comment = to_markdown([AuditReport(ClusterInfo("c", "s", "v1.32.0", "x"), [CheckResult(meta, findings)])])
    row = next(line for line in comment.splitlines() if line.startswith("| ⚠️ warn"))
    assert row.count(" is behind") == ROW_MESSAGES and "497 more findings of this check: -o json lists" in row
    assert comment.count(" is behind") == ROW_MESSAGES + 10
    assert "- 490 more findings of this check: -o json lists every one" in comment
    from kubectl_arch.audit.report.html import to_html

    page = to_html([AuditReport(ClusterInfo("c", "s", "v1.32.0", "x"), [CheckResult(meta, findings)])], Status.FAIL)
    assert page.count(" is behind") == 10 and "490 more findings of this check: -o json lists every one" in page


def test_several_clusters_end_with_one_line_each() -> None:
    """Ten contexts' reports run to a thousand lines: the closing table says which cluster fails, and why."""
    import io

    from kubectl_arch.audit.check import Finding, Status
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.terminal import render_terminal
    from kubectl_arch.audit.runner import AuditReport, CheckResult, ClusterInfo
    from kubectl_arch.output.console import LineConsole

    checks = catalogue()
    failing = [CheckResult(checks[i].meta, [Finding(i, Status.FAIL, "bad")])
               for i in ("node-readiness", "etcd-member-count", "leader-election", "kubelet-version-skew")]
    healthy = [CheckResult(checks["node-readiness"].meta, [Finding("node-readiness", Status.PASS, "ok")])]
    reports = [AuditReport(ClusterInfo("prod-eu", "s", "v1.32.4", "x"), failing),
               AuditReport(ClusterInfo("dev", "s", "v1.31.0", "x"), healthy),
               AuditReport(ClusterInfo("lab", "", "unknown", "x"), [], error="the cluster could not be reached")]

    def text(shown: list[AuditReport]) -> list[str]:
        out = io.StringIO()
        render_terminal(shown, LineConsole(out, width=120))
        return out.getvalue().splitlines()

    lines = text(reports)
    table = lines[lines.index("Clusters (3)") + 1:lines.index("Clusters (3)") + 5]
    assert re.match(r"CONTEXT +VERSION +FAIL +WARN +SKIP +PASS +REACHING --fail-on fail$", table[0])
    assert re.match(r"prod-eu +v1\.32\.4 +4 +0 +0 +0 +node-readiness, etcd-member-count, leader-election "
                    r"and 1 more$", table[1])
    assert re.match(r"dev +v1\.31\.0 +0 +0 +0 +1 +-$", table[2])
    assert re.match(r"lab +- +- +- +- +- +could not be read \(above\)$", table[3])
    assert not any(line.startswith("Clusters (") for line in text(reports[:1]))


def test_a_markdown_comment_over_several_clusters_opens_with_one_row_each() -> None:
    from kubectl_arch.audit.check import Finding, Status
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.markdown import to_markdown
    from kubectl_arch.audit.runner import AuditReport, CheckResult, ClusterInfo

    meta = catalogue()["node-readiness"].meta
    reports = [AuditReport(ClusterInfo("prod|eu", "s", "v1.32.4", "x"), [CheckResult(meta, [Finding(
                   meta.id, Status.WARN, "node a has DiskPressure")])]),
               AuditReport(ClusterInfo("lab", "", "unknown", "x"), [], error="unreachable")]
    comment = to_markdown(reports, Status.WARN)
    lines = comment.splitlines()
    assert lines[0] == "## kubectl-arch audit: 2 clusters"
    assert lines[2] == "| CONTEXT | VERSION | FAIL | WARN | SKIP | PASS | REACHING --fail-on warn |"
    assert lines[4].startswith("| prod\\|eu |"), "a context's pipe cannot break the table"
    assert lines[4].endswith("| 0 | 1 | 0 | 0 | node-readiness |")
    assert lines[5] == "| lab | - | - | - | - | - | could not be read \\(its section says why\\) |"
    assert not to_markdown(reports[:1]).startswith("## kubectl-arch audit: 1 clusters")
