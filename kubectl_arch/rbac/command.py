"""``kubectl arch rbac``: print the role the commands and checks declare they need."""

from __future__ import annotations

import click


@click.command()
@click.option("--name", default="kubectl-arch-reader", show_default=True, help="Name of the ClusterRole.")
@click.option(
    "--include-workloads", is_flag=True, help="Also allow what `audit --include-workloads` reads (every pod)."
)
@click.option("--bind-group", "groups", multiple=True, metavar="NAME", help="Bind the roles to this group.")
@click.option("--bind-user", "users", multiple=True, metavar="NAME", help="Bind the roles to this user.")
@click.option("--bind-serviceaccount", "accounts", multiple=True, metavar="NAMESPACE/NAME",
              help="Bind the roles to this ServiceAccount.")
def rbac(name: str, include_workloads: bool, groups: tuple[str, ...], users: tuple[str, ...],
         accounts: tuple[str, ...]) -> None:
    """Print the least privilege kubectl-arch needs: a ClusterRole for cluster-wide reads and a Role in
    kube-system, read-only, with bindings for the subjects named (none otherwise).

    It is derived from what the commands and checks declare they read, so it is exactly enough.
    Apply it with `kubectl arch rbac --bind-group sre | kubectl apply -f -`.
    """
    from kubectl_arch.rbac.role import cluster_role_yaml, subject

    subjects = [subject("Group", g) for g in groups] + [subject("User", u) for u in users]
    subjects += [subject("ServiceAccount", a) for a in accounts]
    click.echo(cluster_role_yaml(name, include_workloads=include_workloads, subjects=subjects), nl=False)
