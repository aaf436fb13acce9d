"""``kubectl arch snapshot``: record what explain, audit and trace read, to replay with --snapshot."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kubectl_arch.cli.options import ClusterOptions, cluster_options, namespace_option, open_source
from kubectl_arch.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from kubectl_arch.trace.target import Target


@click.command()
@click.option(
    "-o",
    "--output",
    "output_file",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Where to write the snapshot (gzip JSON); - writes it to stdout.",
)
@click.option("--include-workloads", is_flag=True, help="Also record every pod, for `audit --include-workloads`.")
@click.option(
    "--trace",
    "trace_targets",
    multiple=True,
    metavar="[NS/][KIND/]NAME",
    help="Also record what `trace` needs for this pod, or for this owner's newest pod (deployment/web, "
         "shop/deploy/web; repeatable).",
)
@namespace_option(help_text="The namespace of --trace pods given without one (default: the context's).")
@cluster_options
def snapshot(
    cluster: ClusterOptions, output_file: str, include_workloads: bool, trace_targets: tuple[str, ...],
    namespace: str | None,
) -> None:
    """Record the raw API responses explain, audit and trace need into FILE.

    Replay it anywhere with `--snapshot FILE`: analysis cannot tell it from the live cluster. Secret
    data, tokens and private keys are never written; container env values, secret-looking arguments
    and ConfigMap data are dropped (docs/security.md). The file is readable by its owner only.

    Exit codes: 0 every read answered; 1 the snapshot was written but some reads failed (each is named
    on stderr, and the file is marked incomplete so replays say so); 3 the cluster could not be read;
    4 a --trace pod or owner does not exist (refused before the cluster is read; nothing is written).
    """
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.collect.snapshot import RecordingSource
    from kubectl_arch.output.progress import reading_progress
    from kubectl_arch.rbac.role import all_need_names
    from kubectl_arch.trace.collect import collect_trace_set

    to_stdout = output_file == "-"
    if to_stdout and sys.stdout.isatty():
        raise UsageError("-o - writes a gzip snapshot to stdout, which is a terminal here",
                         hint="redirect it: kubectl arch snapshot -o - > snapshot.json.gz")
    if not to_stdout:
        _check_writable(output_file)
    targets = [_trace_target(text) for text in trace_targets]  # a typo is refused before the cluster is read
    source = RecordingSource(open_source(cluster))
    with reading_progress("the cluster") as progress:
        # The traces first (a dozen reads each): a pod that does not exist is refused before the cluster's
        # reads, minutes on a big one, and nothing is written, as the snapshot asked for could not be taken.
        for text, (given_namespace, target) in zip(trace_targets, targets, strict=True):
            target_namespace = given_namespace or namespace or source.credentials().namespace or "default"
            progress(f"what trace needs for {target_namespace}/{target}")
            try:
                collect_trace_set(source, target_namespace, target)  # what -o text|svg|html read
            except NotFoundError as exc:
                hint = f"list them with `kubectl arch samples {cluster.sample}`" if cluster.sample else exc.hint
                raise NotFoundError(f"--trace {text}: {exc.message} (nothing was written)", hint=hint) from None
        # cover=False: nodes are recorded both lean (as explain reads them) and whole (as audit does).
        data = collect(source, all_need_names(include_workloads=include_workloads), progress=progress, cover=False)
    failed = data.unread_needs()
    if to_stdout:
        source.save(sys.stdout.buffer, incomplete=failed)
    else:
        try:
            source.save(output_file, incomplete=failed)
        except OSError as exc:  # the disk filled or the folder went away while the cluster was read
            raise UsageError(f"cannot write {output_file}: {exc.strerror or exc}") from None
    from kubectl_arch.output.sanitise import visible

    where = "stdout" if to_stdout else output_file
    # a snapshot of a snapshot describes itself with the first one's "source": text from a file
    click.echo(visible(f"wrote {where}: {len(source)} responses from {source.description}", multiline=False),
               err=True)
    if failed:
        for reason in failed.values():  # a failed read's reason may quote the server's body: cluster text
            click.echo(f"warning: {visible(reason, multiline=False)}", err=True)
        click.echo(f"the snapshot is incomplete: {len(failed)} read(s) failed; it is marked so, and replays name "
                   "them", err=True)
        click.get_current_context().exit(1)


def _trace_target(text: str) -> tuple[str | None, Target]:
    """``[NS/][KIND/]NAME``: the namespace (None: -n's, or the context's) and what `trace` takes. A first word
    that is a kind (``deployment/web``) is the kind, as `trace deployment/web` reads it, not a namespace."""
    from kubectl_arch.trace.target import is_kind_word, parse_target

    first, slash, rest = text.strip().partition("/")
    if slash and (rest.count("/") == 1 or (rest and not is_kind_word(first))):
        return first, parse_target(rest)
    return None, parse_target(text)


def _check_writable(path: str) -> None:
    """Refuse an output the command could not write before reading the cluster, not after (a whole read lost)."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")
