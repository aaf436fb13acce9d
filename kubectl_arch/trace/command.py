"""``kubectl arch trace pod NAME``: the click layer. It parses, reads, analyses, renders; nothing more.

Heavy imports (rich, the kubernetes client through the source) happen inside the function, so
``kubectl arch --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kubectl_arch.cli.options import ClusterOptions, cluster_options, namespace_option, open_source, parse_timeout
from kubectl_arch.errors import ArchError, UsageError
from kubectl_arch.output.formats import Formats, OutputFormat, jsonpath_formats
from kubectl_arch.trace.completion import trace_targets

if TYPE_CHECKING:
    from kubectl_arch.collect.source import Source
    from kubectl_arch.trace.report import TraceReport, TraceSet
    from kubectl_arch.trace.target import Target

# text, wide, json and yaml render the newest pod's TraceReport; svg and html a TraceSet (an owner's pods).
FORMATS: Formats[TraceReport | TraceSet] = Formats(
    OutputFormat("text", "kubectl_arch.trace.render.timeline:render"),
    OutputFormat("wide", "kubectl_arch.trace.render.timeline:render"),
    OutputFormat("json", "kubectl_arch.trace.render.document:render"),
    OutputFormat("yaml", "kubectl_arch.trace.render.document:render"),
    *jsonpath_formats("kubectl_arch.trace.render.document:render"),
    OutputFormat("svg", "kubectl_arch.trace.render.gantt:render"),
    OutputFormat("html", "kubectl_arch.trace.render.gantt:render"),
    default="text",
)
PICTURES = ("svg", "html")
DEFAULT_FOLLOW_TIMEOUT = 300


def target_from_args(args: tuple[str, ...]) -> Target:
    """``pod NAME``, ``pod/NAME``, ``deployment NAME``, ``deployment/NAME`` or a bare pod ``NAME``."""
    from kubectl_arch.trace.target import is_kind_word, parse_target

    if len(args) == 1 and is_kind_word(args[0]):
        raise UsageError(f"`trace {args[0]}` needs the name of the object",
                         hint=f"write `trace {args[0]} NAME` or `trace {args[0]}/NAME`")
    if len(args) == 1:
        return parse_target(args[0])
    if len(args) == 2 and "/" not in args[0] and "/" not in args[1]:
        return parse_target(f"{args[0]}/{args[1]}")
    raise UsageError(f"cannot read {' '.join(args)!r} as one object",
                     hint="write `trace pod NAME`, `trace pod/NAME` or `trace deployment/NAME`")


def _follow_timeout(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    """--follow's bound in whole seconds, at least one: written as every other --timeout is (2m), or as the
    seconds it always took (300)."""
    seconds = parse_timeout(value)
    if seconds is None or seconds < 1:
        raise click.BadParameter(f"{value!r} is shorter than 1s; --follow needs time to watch")
    return round(seconds)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("what", nargs=-1, required=True, metavar="pod NAME | KIND/NAME", shell_complete=trace_targets)
@namespace_option
@FORMATS.option(help="text: the timeline; wide: with all evidence; json/yaml: the data (JSON lines with --follow); "
                    "svg/html: the timeline as a Gantt chart (for an owner, a few of its pods).")
@click.option("--follow", is_flag=True, help="Watch the pod and print each step as it completes, until Ready, "
                                              "a failure, or --timeout.")
@click.option("--timeout", default=str(DEFAULT_FOLLOW_TIMEOUT), show_default=True, callback=_follow_timeout,
              metavar="DURATION", help="How long --follow waits: seconds, or a duration as the other commands' "
                                       "--timeout takes it (90, 2m, 1m30s).")
@cluster_options
def trace(cluster: ClusterOptions, what: tuple[str, ...], namespace: str | None, output: str, follow: bool,
          timeout: int) -> None:
    """Rebuild a pod's creation path, timed, and say where it is stuck and why.

    \b
    Examples:
      kubectl arch trace pod web-7d9f8b6c5d-x2x9k -n shop
      kubectl arch trace deployment/web -n shop     (the Deployment's newest pod)
      kubectl arch trace cj/nightly -n ops          (the newest Job's newest pod)
      kubectl arch trace pod/web-7d9f8b6c5d-x2x9k --follow
      kubectl arch trace ds/fluentd -n logging -o html   (a few of its pods)

    Reads only this pod, its events, its owners and the Services selecting it (at most a dozen
    requests, whatever the cluster's size; -o svg|html of an owner reads up to four of its pods so,
    and counts the others by state). Events expire after an hour; older pods are rebuilt from
    their own record and approximate times are marked ~.

    An owner with no pod at all is traced too: it is stuck at `controller` and the controller's
    refusal (FailedCreate: a webhook, a quota, PodSecurity, a missing ServiceAccount) is explained;
    in -o json/yaml, "pod" is then null.
    """
    from kubectl_arch.errors import NotFoundError

    target = target_from_args(what)
    if follow and output in PICTURES:
        raise UsageError(f"-o {output} draws a finished trace", hint="leave out --follow")
    if follow and output.startswith("jsonpath"):
        raise UsageError("--follow prints text or JSON lines", hint="use -o jsonpath without --follow")
    source = open_source(cluster)
    namespace = namespace or source.credentials().namespace or "default"
    try:
        if follow:
            from kubectl_arch.trace.follow_command import run_follow

            run_follow(source, namespace, target, output, timeout)
            return
        _trace_once(source, namespace, target, output)
    except NotFoundError as exc:
        if cluster.sample:  # `kubectl get` cannot see a bundled sample; `samples NAME` lists what is in it
            raise NotFoundError(exc.message, hint=f"list them with `kubectl arch samples {cluster.sample}`") from None
        raise
    except ArchError as exc:
        from kubectl_arch.collect.snapshot import NOT_RECORDED

        if cluster.snapshot and NOT_RECORDED in exc.message:  # the file lacks it: the input, not a cluster
            raise UsageError(exc.message, hint=f"record it: kubectl arch snapshot --trace {namespace}/{target} "
                                               "(with the snapshot's connection flags)") from None
        raise


def _trace_once(source: Source, namespace: str, target: Target, output: str) -> None:
    from kubectl_arch.trace.collect import collect_trace, collect_trace_set
    from kubectl_arch.trace.report import analyse, analyse_set

    if output in PICTURES:
        FORMATS.render(output, analyse_set(collect_trace_set(source, namespace, target)))
    else:
        FORMATS.render(output, analyse(collect_trace(source, namespace, target)))
