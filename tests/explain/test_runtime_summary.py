"""explain's one-line summary of the container runtime names the runtime each sample's nodes run (minikube's docker
through cri-dockerd included): it had said "containerd or CRI-O" on every cluster. Held over every sample."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import load_sample, sample_names

# How a node's containerRuntimeVersion names its runtime, and how the summary writes it.
RUNTIME_WORDS = {"containerd": "containerd", "cri-o": "CRI-O", "docker": "Docker"}


@pytest.mark.parametrize("sample", sample_names())
def test_the_runtime_summary_names_the_runtime_the_nodes_run(sample: str) -> None:
    nodes = load_sample(sample).store.get("/api/v1/nodes").data["items"]
    runtimes = {str(n["status"]["nodeInfo"]["containerRuntimeVersion"]).split(":", 1)[0] for n in nodes}
    output = CliRunner().invoke(cli, ["explain", "--sample", sample], env={"COLUMNS": "400"}).output
    [summary] = [line for line in output.splitlines() if line.strip().startswith("runtime ")]
    for runtime in runtimes:
        assert RUNTIME_WORDS[runtime] in summary, f"{sample} runs {runtime}: {summary.strip()}"
