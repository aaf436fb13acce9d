"""Values for ``<TAB>`` that every command shares: contexts, clusters and users of the merged kubeconfig,
samples, files, and namespaces read from the cluster the flags typed so far select (commands complete
their own values, such as components, check ids and trace targets, with these helpers).

Each completer has click's ``shell_complete`` signature. Names from a cluster take one GET with a short
deadline (a completion must answer at once or not at all); any failure completes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from kubectl_arch.collect.source import Source

# How long a completion waits for the API server: long enough for a healthy cluster, short for a person waiting.
COMPLETION_TIMEOUT = 2.0


def matching(names: list[str], incomplete: str) -> list[str]:
    return [n for n in dict.fromkeys(names) if n.startswith(incomplete)]


def files(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Let the shell complete file names."""
    return [CompletionItem(incomplete, type="file")]


def _kubeconfig_names(ctx: click.Context, section: str, incomplete: str) -> list[str]:
    from kubectl_arch.collect.kubeconfig import kubeconfig_names

    return matching(kubeconfig_names(ctx.params.get("kubeconfig"), section), incomplete)


def contexts(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Context names of the merged kubeconfig (--kubeconfig if typed, else $KUBECONFIG, else ~/.kube/config)."""
    return _kubeconfig_names(ctx, "contexts", incomplete)


def clusters(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    return _kubeconfig_names(ctx, "clusters", incomplete)


def users(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    return _kubeconfig_names(ctx, "users", incomplete)


def samples(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    from kubectl_arch.collect.sample_source import sample_names

    return matching(sample_names(), incomplete)


def namespaces(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Namespace names from the cluster (one GET)."""
    source = completion_source(ctx)
    if source is None:
        return []
    return matching(names_at(source, "/api/v1/namespaces"), incomplete)


def names_at(source: Source, path: str) -> list[str]:
    """The names of the objects a list GET returns (one request); none when it fails."""
    response = source.get(path, {"limit": "500"})
    items = response.data.get("items") if response.ok and isinstance(response.data, dict) else None
    return sorted(str((item.get("metadata") or {}).get("name") or "") for item in items or [] if isinstance(item, dict))


def completion_source(ctx: click.Context) -> Source | None:
    """The sample, snapshot or live cluster the flags typed so far select; None when it cannot be opened.

    A live cluster is not probed first and gets one attempt with a short deadline: one request in all.
    """
    from kubectl_arch.collect.connection import Connection
    from kubectl_arch.errors import ArchError

    params: dict[str, Any] = ctx.params
    try:
        if params.get("sample"):
            from kubectl_arch.collect.sample_source import SampleSource

            return SampleSource.named(params["sample"])
        if params.get("snapshot"):
            from kubectl_arch.collect.snapshot import SnapshotSource

            return SnapshotSource.load(params["snapshot"])
        from kubectl_arch.collect.kube import KubeSource

        return KubeSource(request_timeout=COMPLETION_TIMEOUT, connection=Connection.from_params(params), attempts=1)
    except (ArchError, OSError, ValueError):
        return None
