"""``kubectl arch snapshot``: record what explain, audit and trace read, to replay with --snapshot."""

from __future__ import annotations

import sys

import click

from kubectl_arch.cli.options import ClusterOptions, cluster_options, namespace_option, open_source
from kubectl_arch.errors import UsageError


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
    metavar="[NS/]POD",
    help="Also record what `trace pod` needs for this pod (repeatable).",
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
    on stderr, and the file is marked incomplete so replays say so); 3 the cluster could not be read.
    """
    from kubectl_arch.collect.needs import collect
    from kubectl_arch.collect.snapshot import RecordingSource
    from kubectl_arch.output.progress import reading_progress
    from kubectl_arch.rbac.role import all_need_names
    from kubectl_arch.trace.collect import collect_trace_set, parse_target

    to_stdout = output_file == "-"
    if to_stdout and sys.stdout.isatty():
        raise UsageError("-o - writes a gzip snapshot to stdout, which is a terminal here",
                         hint="redirect it: kubectl arch snapshot -o - > snapshot.json.gz")
    if not to_stdout:
        _check_writable(output_file)
    source = RecordingSource(open_source(cluster))
    with reading_progress("the cluster") as progress:
        # cover=False: nodes are recorded both lean (as explain reads them) and whole (as audit does).
        data = collect(source, all_need_names(include_workloads=include_workloads), progress=progress, cover=False)
        for target in trace_targets:
            target_namespace, name = target.split("/", 1) if "/" in target else (
                namespace or source.credentials().namespace or "default", target)
            progress(f"what trace needs for {target_namespace}/{name}")
            collect_trace_set(source, target_namespace, parse_target(name))  # what -o text|svg|html read
    failed = data.unread_needs()
    if to_stdout:
        source.save(sys.stdout.buffer, incomplete=failed)
    else:
        try:
            source.save(output_file, incomplete=failed)
        except OSError as exc:  # the disk filled or the folder went away while the cluster was read
            raise UsageError(f"cannot write {output_file}: {exc.strerror or exc}") from None
    where = "stdout" if to_stdout else output_file
    click.echo(f"wrote {where}: {len(source)} responses from {source.description}", err=True)
    if failed:
        from kubectl_arch.output.sanitise import visible

        for reason in failed.values():  # a failed read's reason may quote the server's body: cluster text
            click.echo(f"warning: {visible(reason, multiline=False)}", err=True)
        click.echo(f"the snapshot is incomplete: {len(failed)} read(s) failed; it is marked so, and replays name "
                   "them", err=True)
        click.get_current_context().exit(1)


def _check_writable(path: str) -> None:
    """Refuse an output the command could not write before reading the cluster, not after (a whole read lost)."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")
