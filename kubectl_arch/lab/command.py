"""``kubectl arch lab up|down|status``: build, remove and list the kind clusters kubectl-arch teaches on.

Only the ``kind`` and ``docker`` command-line tools are run. Where either is missing the command says
which in one line, with where to get it, and exits 3; a lab cluster named but not there exits 4.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from kubectl_arch.lab.topologies import TOPOLOGIES, Topology

F = TypeVar("F", bound=Callable[..., Any])

LAB_EPILOG = """Exit codes: 0 done, 2 usage error, 3 Docker or kind is missing (or kind failed), 4 no such lab
cluster. Configs: kind-configs/ in the repository (the same files ship in the package)."""


def _lab_options(func: F) -> F:
    """--topology, --name and --kubeconfig, shared by up and down so they name a cluster the same way."""
    options = [
        click.option("--topology", type=click.Choice(list(TOPOLOGIES)), default="single", show_default=True,
                     help="The cluster's shape: " + "; ".join(f"{t.name}: {t.summary}" for t in TOPOLOGIES.values())
                     + "."),
        click.option("--name", metavar="NAME", help="The kind cluster's name (default: arch-TOPOLOGY)."),
        click.option("--kubeconfig", metavar="FILE", type=click.Path(dir_okay=False),
                     help="The kubeconfig kind writes the context to (default: $KUBECONFIG or ~/.kube/config)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(epilog=LAB_EPILOG)
def lab() -> None:
    """Build kind clusters to learn on: single node, HA control plane, IPVS and nftables kube-proxy.

    Needs Docker and kind. The lab runs only the kind and docker tools; kubectl-arch itself still
    only reads clusters.
    """


@lab.command(epilog=LAB_EPILOG)
@_lab_options
@click.option("--wait", default="5m", show_default=True, metavar="DURATION",
              help="How long kind waits for the control plane to become Ready.")
def up(topology: str, name: str | None, kubeconfig: str | None, wait: str) -> None:
    """Create the lab cluster with kind, then print what to try on it.

    An existing cluster of the same name is kept as it is (delete it first with `lab down`); its
    context is written to the kubeconfig again, so the commands printed work either way.
    """
    from kubectl_arch.lab.guide import next_steps
    from kubectl_arch.lab.tools import find_kind
    from kubectl_arch.lab.topologies import packaged_config

    chosen = TOPOLOGIES[topology]
    cluster_name = name or chosen.default_cluster_name
    kind = find_kind()
    exists = cluster_name in kind.clusters()
    if exists:
        kind.export_kubeconfig(cluster_name, kubeconfig)
    else:
        with packaged_config(chosen) as config:
            kind.create(cluster_name, config, wait, kubeconfig)
    click.echo(next_steps(chosen, cluster_name, kubeconfig, created=not exists), nl=False)


@lab.command(epilog=LAB_EPILOG)
@_lab_options
@click.option("--all", "all_labs", is_flag=True, help="Delete every lab cluster (arch-single, arch-ha, ...).")
def down(topology: str, name: str | None, kubeconfig: str | None, all_labs: bool) -> None:
    """Delete the lab cluster with kind (its containers and its kubeconfig context)."""
    from kubectl_arch.lab.tools import find_kind

    kind = find_kind()
    existing = kind.clusters()
    if all_labs:
        targets = [t.default_cluster_name for t in TOPOLOGIES.values() if t.default_cluster_name in existing]
        if not targets:
            click.echo("no lab clusters to delete", err=True)
    else:
        targets = [_existing_lab(TOPOLOGIES[topology], name, existing)]
    for cluster_name in targets:
        kind.delete(cluster_name, kubeconfig)
        click.echo(f"deleted lab cluster {cluster_name}")


def _existing_lab(topology: Topology, name: str | None, existing: list[str]) -> str:
    from kubectl_arch.errors import NotFoundError
    from kubectl_arch.lab.topologies import topology_of_cluster

    cluster_name = name or topology.default_cluster_name
    if cluster_name not in existing:
        labs = [n for n in existing if topology_of_cluster(n)]
        hint = f"lab clusters here: {', '.join(labs)}" if labs else "there are no lab clusters here"
        raise NotFoundError(f"there is no kind cluster named {cluster_name}", hint=hint)
    return cluster_name


@lab.command(epilog=LAB_EPILOG)
@click.option("-o", "--output", type=click.Choice(["json", "yaml"]), help="Print the status as data.")
def status(output: str | None) -> None:
    """List the lab clusters that exist (from `kind get clusters`), each topology they build, and the other
    kind clusters. Without Docker or kind the topologies are still described, their state unknown (exit 3)."""
    from kubectl_arch.lab.guide import LabStatus, status_table
    from kubectl_arch.lab.tools import PrerequisiteMissing, find_kind

    missing: PrerequisiteMissing | None = None
    try:
        lab_status = LabStatus.of(find_kind().clusters())
    except PrerequisiteMissing as exc:
        missing, lab_status = exc, LabStatus(existing=frozenset(), others=(), unknown=True)
    if output == "json":
        from kubectl_arch.output.structured import to_json

        click.echo(to_json(lab_status.as_data()), nl=False)
    elif output == "yaml":
        from kubectl_arch.output.structured import to_yaml

        click.echo(to_yaml(lab_status.as_data()), nl=False)
    else:
        click.echo(status_table(lab_status), nl=False)
    if missing is not None:
        raise missing
