"""The picture's title names the version as explain's text does: on OpenShift with the release its ClusterVersion
gives ("openshift 4.7.13"), which the text had and the SVG and HTML pictures left out."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli


@pytest.mark.parametrize("output", ["svg", "html"])
def test_the_openshift_picture_is_titled_with_its_release(output: str) -> None:
    result = CliRunner().invoke(cli, ["explain", "--sample", "openshift", "-o", output], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Cluster v1.20.0+bafe72f · openshift 4.7.13" in result.output


def test_a_cluster_without_a_release_keeps_its_title() -> None:
    result = CliRunner().invoke(cli, ["explain", "--sample", "kind-ha", "-o", "svg"], env={"NO_COLOR": "1"})
    assert "Cluster v1.32.2 · kind<" in result.output
