"""Small commands: version, samples, rbac and completion."""

from __future__ import annotations

import sys

import click

from kubectl_arch import __version__


@click.command()
def version() -> None:
    """Print the kubectl-arch version (reads no cluster)."""
    click.echo(f"kubectl-arch {__version__} (python {sys.version_info.major}.{sys.version_info.minor})")


@click.command()
def samples() -> None:
    """List the bundled sample clusters; use one with --sample NAME on any command.

    Samples are illustrative data laid out exactly as kubeadm, kind and EKS lay out real clusters.
    """
    from kubectl_arch.samples import describe_samples

    for name, description in describe_samples():
        click.echo(f"{name:<20} {description}")


@click.command()
@click.option("--name", default="kubectl-arch-reader", show_default=True, help="Name of the ClusterRole.")
@click.option(
    "--include-workloads", is_flag=True, help="Also allow what `audit --include-workloads` reads (every pod)."
)
def rbac(name: str, include_workloads: bool) -> None:
    """Print the minimal read-only ClusterRole (and a binding example) kubectl-arch needs.

    It is derived from what the commands and checks declare they read, so it is exactly enough.
    """
    from kubectl_arch.cli.rbac import cluster_role_yaml

    click.echo(cluster_role_yaml(name, include_workloads=include_workloads), nl=False)


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL; e.g. `eval "$(kubectl-arch completion bash)"`."""
    from click.shell_completion import get_completion_class

    from kubectl_arch.cli.main import COMPLETE_VAR, cli

    completion_class = get_completion_class(shell)
    assert completion_class is not None
    click.echo(completion_class(cli, {}, "kubectl-arch", COMPLETE_VAR).source())
