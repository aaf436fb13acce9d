"""kubectl's flags, shared by every command that reads a cluster, and the source they select.

The flags are accepted after the subcommand (``kubectl arch audit --context prod``) as kubectl users
expect. ``--sample`` and ``--snapshot`` read offline; otherwise the live cluster of the kubeconfig.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from kubectl_arch.collect.source import Source
from kubectl_arch.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class ClusterOptions:
    """What selects the cluster and how to reach it."""

    kubeconfig: str | None = None
    context: str | None = None
    request_timeout: float = 30.0
    snapshot: str | None = None
    sample: str | None = None
    # Every --context given, in order (audit reads each cluster; other commands use ``context``, the last).
    contexts: tuple[str, ...] = ()


def _parse_timeout(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    """kubectl's --request-timeout syntax: a number of seconds or a duration such as 5s, 1m, 500ms."""
    text = value.strip().lower()
    units = (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0))
    try:
        for suffix, factor in units:
            if text.endswith(suffix) and text[: -len(suffix)].replace(".", "", 1).isdigit():
                seconds = float(text[: -len(suffix)]) * factor
                break
        else:
            seconds = float(text)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a duration (e.g. 30s, 1m, 10)") from None
    if seconds <= 0:
        raise click.BadParameter("must be greater than zero")
    return seconds


def _complete_samples(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from kubectl_arch.collect.sample_source import sample_names

    return [n for n in sample_names() if n.startswith(incomplete)]


def _complete_contexts(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    import os
    from pathlib import Path

    import yaml

    path = os.environ.get("KUBECONFIG", str(Path.home() / ".kube" / "config")).split(os.pathsep)[0]
    try:
        doc = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError):
        return []
    return [c["name"] for c in doc.get("contexts") or [] if str(c.get("name", "")).startswith(incomplete)]


def cluster_options(func: F) -> F:
    """Add kubectl's cluster flags plus --snapshot and --sample; the command receives ``cluster``."""
    options = [
        click.option(
            "--kubeconfig", metavar="FILE", help="Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)."
        ),
        click.option(
            "--context", metavar="NAME", multiple=True, shell_complete=_complete_contexts,
            help="The kubeconfig context to use.",
        ),
        click.option(
            "--request-timeout",
            "request_timeout",
            default="30s",
            callback=_parse_timeout,
            metavar="DURATION",
            show_default=True,
            help="Timeout of each API request (e.g. 10s, 1m).",
        ),
        click.option(
            "--snapshot",
            metavar="FILE",
            type=click.Path(dir_okay=False),
            help="Read a snapshot taken by `kubectl arch snapshot` instead of a live cluster.",
        ),
        click.option(
            "--sample",
            metavar="NAME",
            shell_complete=_complete_samples,
            help="Read a bundled sample cluster (list them: `kubectl arch samples`).",
        ),
    ]

    def collect(**kwargs: Any) -> Any:
        contexts = tuple(kwargs.pop("context") or ())
        cluster = ClusterOptions(
            kubeconfig=kwargs.pop("kubeconfig"),
            context=contexts[-1] if contexts else None,
            contexts=contexts,
            request_timeout=kwargs.pop("request_timeout"),
            snapshot=kwargs.pop("snapshot"),
            sample=kwargs.pop("sample"),
        )
        return func(cluster=cluster, **kwargs)

    collect.__name__ = func.__name__
    collect.__doc__ = func.__doc__
    wrapped: Any = collect
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


def open_source(options: ClusterOptions) -> Source:
    """The source the flags select; a live cluster is checked with one GET of /version first.

    A live cluster that cannot be read at all (network, TLS, credentials) raises ``ArchError`` with
    exit code 3 here, before any command does work.
    """
    if options.sample and options.snapshot:
        raise UsageError("--sample and --snapshot cannot be used together")
    if options.sample:
        from kubectl_arch.collect.sample_source import SampleSource

        return SampleSource.named(options.sample)
    if options.snapshot:
        from kubectl_arch.collect.snapshot import SnapshotSource

        return SnapshotSource.load(options.snapshot)
    from kubectl_arch.collect.kube import KubeSource, cluster_unreadable

    source = KubeSource(options.kubeconfig, options.context, options.request_timeout)
    probe = source.get("/version")
    if not probe.ok and probe.status != 403:
        raise cluster_unreadable(probe, source)
    return source


def namespace_option(func: F) -> F:
    option = click.option("-n", "--namespace", metavar="NAMESPACE", help="The namespace (default: the context's).")
    return option(func)
