"""kube-proxy's mode after a refused or failed read of its ConfigMap: the mode that read would have decided is
unknown, with the reason; never the default (iptables) passed off as read."""

from __future__ import annotations

import functools

import pytest

from kubectl_arch.collect.needs import NEEDS, collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample, sample_names
from kubectl_arch.model.kube_proxy import CONFIG_NEED, EKS_CONFIG_NEED, READS, KubeProxyMode, kube_proxy_mode
from tests.safety.faults import FaultySource, MemoSource

# Where a mode read from a ConfigMap says it was read (KubeProxyMode.detail), and the read.
DECIDED_BY = {"config.conf": CONFIG_NEED, "ConfigMap kube-proxy-config": EKS_CONFIG_NEED}


@functools.cache
def _memo(sample: str) -> MemoSource:
    return MemoSource(SampleSource(load_sample(sample)))


def _mode(source: MemoSource | FaultySource) -> KubeProxyMode:
    return kube_proxy_mode(collect(source, list(READS)))


@pytest.mark.parametrize("kind", ["403", "500"])
@pytest.mark.parametrize("need", [CONFIG_NEED, EKS_CONFIG_NEED])
@pytest.mark.parametrize("sample", sample_names())
def test_an_unread_config_map_never_reads_as_the_default(sample: str, need: str, kind: str) -> None:
    clean = _mode(_memo(sample))
    faulted = _mode(FaultySource(_memo(sample), NEEDS[need].path, kind))
    decided_by = next((n for where, n in DECIDED_BY.items() if clean.detail.startswith(where)), None)
    if clean.source == "configmap" and need == decided_by:
        assert faulted.mode == "unknown", f"{sample}: {faulted.detail}"
        assert "could not be read" in faulted.detail
    else:
        # Another source decided it (a replacement, node arguments, flags, the other ConfigMap), or kube-proxy
        # names no --config file: the same mode, whatever this read said.
        assert (faulted.mode, faulted.source) in ((clean.mode, clean.source), ("unknown", "configmap")), (
            f"{sample}: {clean.mode} ({clean.detail}) became {faulted.mode} ({faulted.detail})")
        if faulted.mode == "unknown":
            assert "--config=" in faulted.detail and clean.source == "default"
