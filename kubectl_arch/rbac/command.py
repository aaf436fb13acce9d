"""``kubectl arch rbac``: print the role the commands and checks declare they need."""

from __future__ import annotations

import click


@click.command()
@click.option("--name", default="kubectl-arch-reader", show_default=True, help="Name of the ClusterRole.")
@click.option(
    "--include-workloads", is_flag=True, help="Also allow what `audit --include-workloads` reads (every pod)."
)
def rbac(name: str, include_workloads: bool) -> None:
    """Print the minimal read-only ClusterRole (and a binding example) kubectl-arch needs.

    It is derived from what the commands and checks declare they read, so it is exactly enough.
    """
    from kubectl_arch.rbac.role import cluster_role_yaml

    click.echo(cluster_role_yaml(name, include_workloads=include_workloads), nl=False)
