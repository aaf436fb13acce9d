"""``kubectl arch audit``: run the catalogue against one or more clusters and report for people or CI.

A click group so that ``audit explain ID`` reads naturally while ``audit --sample kind-ha`` still runs the
audit itself (the group's own callback). Heavy imports stay inside the functions: ``--help`` is instant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from kubectl_arch.audit.inputs import check_flags
from kubectl_arch.cli.options import ClusterOptions, cluster_options, namespace_option
from kubectl_arch.errors import ArchError, UsageError
from kubectl_arch.output.formats import Formats, OutputFormat, jsonpath_formats

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from kubectl_arch.audit.config import AuditConfig
    from kubectl_arch.audit.registry import Check
    from kubectl_arch.audit.runner import AuditOutcome, AuditReport
    from kubectl_arch.collect.source import Source
    from kubectl_arch.explain.analysis import ClusterMap

# Clusters audited at once with --all-contexts or several --context: separate API servers, so nothing is gained
# by taking them in turns; each also reads its own needs concurrently.
MAX_CLUSTERS_AT_ONCE = 16
# Processes that share the clusters (each its own threads): analysing a cluster's answers is CPU (its /metrics
# alone some 40 ms), and threads share one interpreter lock, so ten clusters took ten times one's CPU on one core.
MAX_AUDIT_PROCESSES = 4

FORMATS: Formats[AuditOutcome] = Formats(
    OutputFormat("text", "kubectl_arch.audit.report.terminal:render"),
    OutputFormat("wide", "kubectl_arch.audit.report.terminal:render"),
    OutputFormat("json", "kubectl_arch.audit.report.document:render"),
    OutputFormat("yaml", "kubectl_arch.audit.report.document:render"),
    *jsonpath_formats("kubectl_arch.audit.report.document:render"),
    OutputFormat("name", "kubectl_arch.audit.report.names:render"),
    OutputFormat("junit", "kubectl_arch.audit.report.junit:render"),
    OutputFormat("markdown", "kubectl_arch.audit.report.markdown:render"),
    OutputFormat("html", "kubectl_arch.audit.report.html:render"),
    default="text",
)
# `audit --list` takes the same -o values: data for the document formats, every id for name, else the table.
CATALOGUE_FORMATS: Formats[Sequence[Check]] = Formats(
    *(OutputFormat(f.name, "kubectl_arch.audit.report.catalogue:" + (
        "render_rows" if f.renderer.endswith("document:render") else "render_ids" if f.name == "name" else
        "render_table"), template=f.template) for f in FORMATS.by_name.values()),
    default="text",
)


def _complete_check_ids(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Check ids, each with its title."""
    from click.shell_completion import CompletionItem

    from kubectl_arch.audit.registry import catalogue

    return [CompletionItem(check.id, help=check.meta.title) for check in catalogue().values()
            if check.id.startswith(incomplete)]


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@FORMATS.option(help="text for people, json/yaml for scripts, junit for CI test reports, markdown for PR comments, "
                    "html for one self-contained page (findings and the architecture picture).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and exit.")
@click.option("--check", "check_ids", multiple=True, metavar="ID", shell_complete=_complete_check_ids,
              help="Run only this check (repeatable).")
@click.option("--fail-on", type=click.Choice(["skip", "warn", "fail"]), default="fail", show_default=True,
              help="Exit 1 when any check is at or above this status (pass < skip < warn < fail; a check that "
                   "crashed is an error and counts as fail). skip: an account that cannot read enough fails too.")
@click.option("--hide-passing", is_flag=True,
              help="List only the checks that did not pass; the summary still counts every check.")
@click.option("--config", "config_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="YAML with thresholds per check, disabled checks and suppressions (see docs/checks.md).")
@click.option("--include-workloads", is_flag=True,
              help="Also run checks that read every namespace (pods-without-requests, large-configmaps).")
@namespace_option(help_text="With --include-workloads: read only this namespace (default: all, as -A).")
@click.option("-A", "--all-namespaces", is_flag=True,
              help="With --include-workloads: read every namespace (the default; overrides -n, as in kubectl).")
@click.option("--all-contexts", is_flag=True, help="Audit every context of the kubeconfig, concurrently.")
@check_flags
@click.option("--window", "window", metavar="DURATION", default="10s", show_default=True,
              envvar="KUBECTL_ARCH_WINDOW", show_envvar=True,
              help="Read each metrics source twice, DURATION apart, and judge latencies and rates on what "
                   "happened in between (e.g. 30s, 1m); 0 judges lifetime counters, for speed.")
@cluster_options(several_contexts=True)
@click.pass_context
def audit(ctx: click.Context, cluster: ClusterOptions, output: str, list_checks: bool, check_ids: tuple[str, ...],
          fail_on: str, hide_passing: bool, config_path: str | None, include_workloads: bool, namespace: str | None,
          all_namespaces: bool, all_contexts: bool, check_inputs: Mapping[str, str], window: str) -> None:
    """Run the checks that decide whether the cluster survives: etcd quorum and latency, control-plane
    replicas, leader election, certificates, nodes, version skew, kube-proxy, API overload.

    Each finding says what was seen, why it matters, how to fix it and where to read more. Exit code 1
    when a finding reaches --fail-on. Several clusters: repeat --context, or --all-contexts. Learn about
    one check: `kubectl arch audit explain ID`.
    """
    if ctx.invoked_subcommand is not None:
        return
    one_cluster = not list_checks and not all_contexts and len(cluster.contexts) <= 1
    opened = _open_first(cluster) if one_cluster else None  # before this command's and the checks' imports
    from kubectl_arch.audit.check import Status
    from kubectl_arch.audit.config import load_config
    from kubectl_arch.audit.inputs import check_options
    from kubectl_arch.audit.registry import catalogue, select
    from kubectl_arch.audit.runner import AuditOutcome, exit_code

    if list_checks:
        CATALOGUE_FORMATS.render(output, select(check_ids or None, include_workloads=True))
        return
    checks = select(check_ids or None, include_workloads)
    config = load_config(config_path, catalogue())
    options = check_options(check_inputs)
    if namespace and not all_namespaces:
        if not include_workloads:
            raise UsageError("-n/--namespace only applies with --include-workloads",
                             hint="the other checks read the cluster as a whole")
        options["namespace"] = namespace
    from_env = ctx.get_parameter_source("window") is click.core.ParameterSource.ENVIRONMENT
    options.update(window_options(window, cluster, given_as="KUBECTL_ARCH_WINDOW" if from_env else "--window"))
    targets = _targets(cluster, all_contexts)
    also = _picture_needs() if output == "html" else ()
    if isinstance(opened, ArchError):
        raise opened
    reports = audit_clusters(targets, checks, config, options, also, opened=opened)
    fail_status = Status(fail_on)
    code = exit_code(reports, fail_status)  # judged on every check, whatever the listing hides
    listed = [report.without_passes() for report in reports] if hide_passing else reports
    FORMATS.render(output, AuditOutcome(listed, fail_status, _maps(reports) if also else []))
    ctx.exit(int(code))


@audit.command("explain")
@click.argument("check_id", metavar="ID", shell_complete=_complete_check_ids)
def explain_check(check_id: str) -> None:
    """Teach one check: why it matters, how to fix it, what it reads and its thresholds."""
    import shutil

    from kubectl_arch.audit.registry import select
    from kubectl_arch.audit.report.catalogue import explain_text

    width = min(shutil.get_terminal_size((100, 24)).columns, 100)  # COLUMNS or the terminal; prose reads best narrow
    click.echo(explain_text(select([check_id])[0], width=width), nl=False)


def _picture_needs() -> tuple[str, ...]:
    """What explain reads, so the HTML page can draw the architecture from the same pass over the cluster."""
    from kubectl_arch.explain import EXPLAIN_NEEDS

    return (*EXPLAIN_NEEDS, "nodes-full")  # the picture shows pressure conditions: whole nodes


def _maps(reports: Sequence[AuditReport]) -> list[ClusterMap | None]:
    """explain's map of each cluster read (analysis, pure), for the page's pictures."""
    from kubectl_arch.explain.analysis import build_map

    return [build_map(report.data) if report.data is not None else None for report in reports]


def _open_first(cluster: ClusterOptions) -> Source | ArchError:
    """The one cluster's source, opened (its probe sent) before the catalogue loads: the checks are 50 ms of
    imports a live cluster's first request need not wait for. A failure to open it (a context the kubeconfig
    lacks) is returned, not raised: the caller raises it after its usage errors, still the ones reported."""
    from kubectl_arch.cli.options import open_source

    try:
        return open_source(cluster)
    except ArchError as exc:
        return exc


def audit_clusters(targets: Sequence[ClusterOptions], checks: Sequence[Check], config: AuditConfig,
                   options: Mapping[str, Any], also: Sequence[str] = (), opened: Source | None = None,
                   ) -> list[AuditReport]:
    """Audit each target; several run concurrently and a cluster that cannot be read is reported, not fatal.

    ``also``: more needs read in the same pass (the HTML page's picture); each report then keeps its data.
    ``opened``: the one target's source, already opened.
    """
    if len(targets) == 1:
        return [_audit_one(targets[0], checks, config, options, show_progress=True, also=also, opened=opened)]
    from concurrent.futures import ThreadPoolExecutor

    from kubectl_arch.audit.runner import AuditReport, ClusterInfo
    from kubectl_arch.cli.options import open_source, warn_insecure_once
    from kubectl_arch.collect.concurrency import split_across_processes
    from kubectl_arch.collect.kube import KubeSource
    from kubectl_arch.collect.kubeconfig import configured_server

    def guarded(target: ClusterOptions) -> tuple[AuditReport, str | None]:
        """The target's report, and its server when its certificate goes unchecked (warned once, below)."""
        try:
            source = open_source(target, warn_insecure=False)
            unchecked = source.server if isinstance(source, KubeSource) and source.insecure else None
            return _audit_one(target, checks, config, options, show_progress=False, also=also, opened=source), unchecked
        except ArchError as exc:
            info = ClusterInfo(context=target.context or "", server=configured_server(target.connection),
                               version="unknown", source=f"context {target.context}")
            return AuditReport(cluster=info, results=[], error=exc.one_line()), None

    def in_threads(chosen: Sequence[ClusterOptions]) -> list[tuple[AuditReport, str | None]]:
        with ThreadPoolExecutor(max_workers=min(MAX_CLUSTERS_AT_ONCE, len(chosen))) as pool:
            return list(pool.map(guarded, chosen))

    # A report that keeps its data (the HTML page's picture) stays in this process: only plain reports travel.
    audited = split_across_processes(targets, in_threads, 1 if also else MAX_AUDIT_PROCESSES)
    # One warning for the run, the same whichever process or thread opened an unchecked server first.
    unchecked = next((server for _, server in audited if server), None)
    if unchecked:
        warn_insecure_once(unchecked)
    return [report for report, _ in audited]


def _audit_one(target: ClusterOptions, checks: Sequence[Check], config: AuditConfig, options: Mapping[str, Any],
               show_progress: bool, also: Sequence[str] = (), opened: Source | None = None) -> AuditReport:
    from kubectl_arch.audit.runner import run_audit
    from kubectl_arch.cli.options import open_source
    from kubectl_arch.collect.concurrency import import_in_background
    from kubectl_arch.output.progress import reading_progress

    source = opened if opened is not None else open_source(target)
    import_in_background("kubectl_arch.audit.report.terminal", "cryptography.x509")  # while the reads are in flight
    with reading_progress("the cluster", enabled=show_progress) as progress:
        return run_audit(source, checks, config, options, progress=progress, also=also)


def _targets(cluster: ClusterOptions, all_contexts: bool) -> list[ClusterOptions]:
    """One ClusterOptions per cluster to audit: every --context given, or every kubeconfig context."""
    if all_contexts:
        if cluster.sample or cluster.snapshot or cluster.contexts:
            raise UsageError("--all-contexts cannot be combined with --context, --sample or --snapshot")
        from kubectl_arch.collect.kubeconfig import load_kubeconfig

        names = load_kubeconfig(cluster.kubeconfig).names("contexts")
        if not names:
            raise UsageError("--all-contexts: the kubeconfig has no contexts")
        return [cluster.for_context(name) for name in names]
    if len(cluster.contexts) > 1:
        if cluster.sample or cluster.snapshot:
            raise UsageError("several --context flags cannot be combined with --sample or --snapshot")
        return [cluster.for_context(name) for name in dict.fromkeys(cluster.contexts)]
    return [cluster]


WINDOW_MAX_SECONDS = 3600.0  # longer is a monitoring system's job, not an audit's
ONE_SCRAPE = "one scrape of each metrics source (--window 0, or a sample or snapshot, which hold one)"


def window_options(text: str, cluster: ClusterOptions, given_as: str = "--window") -> dict[str, Any]:
    """``--window`` as data.options: the seconds to wait between scrapes, or why there is no window.
    ``given_as`` names where a bad value came from: the flag, or KUBECTL_ARCH_WINDOW set in a shell or CI job."""
    from kubectl_arch.collect.window import NO_WINDOW_OPTION, WINDOW_OPTION
    from kubectl_arch.model.durations import parse_duration

    seconds = parse_duration(text)
    if seconds is None or seconds > WINDOW_MAX_SECONDS:
        flag = given_as == "--window"
        where = given_as if flag else f"{given_as} (read as --window)"
        raise UsageError(f"{where}: {text!r} is not a duration up to 1h",
                         hint=f"e.g. {given_as}{' ' if flag else '='}30s, 1m, or 0")
    if cluster.sample or cluster.snapshot or seconds == 0:
        # The same words live and replayed, so a snapshot replays to the same audit as --window 0 gave.
        return {WINDOW_OPTION: 0.0, NO_WINDOW_OPTION: ONE_SCRAPE}
    return {WINDOW_OPTION: seconds}
