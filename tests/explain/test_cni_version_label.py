"""AKS runs Azure CNI's plugin as a binary on each node; the DaemonSet explain finds is azure-cns, the Container
Networking Service that hands the plugin its addresses. The CNI row showed azure-cns's image version as
"azure-cni v1.6.33": the version is now labelled as azure-cns's, in the table and in the JSON."""

from __future__ import annotations

from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.document import component_data
from kubectl_arch.explain.render.terminal import version_cell
from tests.explain.fixtures import sample_data


def _cni(name: str) -> object:
    return next(v for v in build_map(sample_data(name)).components if v.name == "cni")


def test_aks_cni_version_is_labelled_as_azure_cns() -> None:
    view = _cni("aks")
    cell = version_cell(view)  # type: ignore[arg-type]
    assert "azure-cns v1.6.33" in cell and "azure-cni v1.6.33" not in cell, cell
    data = component_data(view, False)  # type: ignore[arg-type]
    assert data["kind"] == "azure-cni" and data["versions"] == ["v1.6.33"] and data["versionOf"] == "azure-cns"


def test_a_plugins_own_daemonset_keeps_its_version_unlabelled() -> None:
    view = _cni("eks")
    assert version_cell(view) == "aws-vpc-cni v1.19.0-eksbuild.1"  # type: ignore[arg-type]
    assert component_data(view, False)["versionOf"] is None  # type: ignore[arg-type]
