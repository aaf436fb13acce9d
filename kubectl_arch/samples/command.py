"""``kubectl arch samples``: list the bundled sample clusters."""

from __future__ import annotations

import click


@click.command()
def samples() -> None:
    """List the bundled sample clusters; use one with --sample NAME on any command.

    Samples are illustrative data laid out exactly as kubeadm, kind and EKS lay out real clusters.
    """
    from kubectl_arch.collect.sample_source import describe_samples

    for name, description in describe_samples():
        click.echo(f"{name:<20} {description}")
