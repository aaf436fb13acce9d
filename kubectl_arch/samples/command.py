"""``kubectl arch samples [NAME]``: list the bundled sample clusters, or show what is inside one."""

from __future__ import annotations

import click

from kubectl_arch.cli import value_completion as complete


@click.command()
@click.argument("name", required=False, metavar="[NAME]", shell_complete=complete.samples)
def samples(name: str | None) -> None:
    """List the bundled sample clusters; use one with --sample NAME on any command.

    With NAME: the sample's nodes, namespaces, pods and their owners, and the trace commands that show
    its scenarios (`kubectl get` cannot see a sample). Samples are illustrative data laid out exactly as
    kubeadm, kind and EKS lay out real clusters.
    """
    from kubectl_arch.collect.sample_source import SampleSource, describe_samples

    if name is None:
        for sample_name, description in describe_samples():
            click.echo(f"{sample_name:<20} {description}")
        return
    from kubectl_arch.samples.explore import describe_sample

    source = SampleSource.named(name)
    click.echo(describe_sample(name, source.sample.description, source), nl=False)
