"""`kubectl arch <TAB>` completes values: each kind of value, through the answer kubectl_complete-arch gives
(and once through real kubectl), from the merged kubeconfig and, for trace, from the cluster in one request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.audit.registry import catalogue
from kubectl_arch.cli.plugin_completion import completion_lines
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.pages import PAGES
from tests.cli.test_plugin_completion import KUBECTL, kubectl_complete
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig


def values(*words: str) -> list[str]:
    lines = completion_lines(list(words))
    assert lines[-1] == ":4", lines  # only the values offered, no file names
    return [line.split("\t")[0] for line in lines[:-1]]


def test_explain_completes_component_pages() -> None:
    assert values("explain", "") == [page.key for page in PAGES]
    assert values("explain", "kube-p") == ["kube-proxy"]


def test_check_ids_complete_for_check_and_audit_explain() -> None:
    ids = list(catalogue())
    assert values("audit", "--check", "") == ids
    assert values("audit", "explain", "") == ids
    assert values("audit", "--check", "etcd-m") == ["etcd-member-count"]


@pytest.mark.parametrize("command", ["explain", "audit", "trace", "snapshot"])
def test_sample_names_complete(command: str) -> None:
    assert values(command, "--sample", "") == sample_names()


def test_trace_completes_kinds_then_names_of_the_kind_in_the_namespace() -> None:
    assert values("trace", "") == ["pod", "replicaset/", "deployment/", "statefulset/", "daemonset/", "job/",
                                   "cronjob/"]
    pods = values("trace", "--sample", "kind-ha", "-n", "shop", "pod", "")
    assert "cart-6b8d7f9c5d-cqhfr" in pods and all(not p.startswith("coredns") for p in pods)
    assert values("trace", "--sample", "kind-ha", "-n", "shop", "deploy/c") == ["deploy/cart", "deploy/checkout"]
    assert values("trace", "--sample", "kind-ha", "-n", "shop", "pod", "cart-6b8d7f9c5d-cqhfr", "") == []


def test_namespaces_complete_from_the_cluster() -> None:
    assert {"shop", "kube-system"} <= set(values("trace", "--sample", "kind-ha", "-n", ""))
    assert "shop" in values("audit", "--sample", "kind-ha", "--namespace", "s")


def test_live_names_take_one_request(api_server: Callable[..., ApiServer], tmp_path: Path) -> None:
    from tests.harness.tiny import tiny_store

    server = api_server(tiny_store())
    config = write_kubeconfig(tmp_path / "config", kubeconfig_dict(server.url, server.ca_pem))
    assert values("trace", "--kubeconfig", str(config), "pod", "web-") == ["web-0", "web-1", "web-2"]
    assert [r.path for r in server.requests] == ["/api/v1/namespaces/default/pods"]


def test_an_unreachable_cluster_completes_nothing_quickly(tmp_path: Path) -> None:
    import time

    from tests.cli.test_connection_flags import closed_url

    config = write_kubeconfig(tmp_path / "config", kubeconfig_dict(closed_url(), None))
    started = time.monotonic()
    assert values("trace", "--kubeconfig", str(config), "-n", "") == []
    assert time.monotonic() - started < 10


def merged_kubeconfigs(tmp_path: Path) -> tuple[Path, Path]:
    first, second = kubeconfig_dict("https://a", None), kubeconfig_dict("https://b", None)
    first.update(contexts=[{"name": "kind-a", "context": {"cluster": "ca", "user": "ua"}}],
                 clusters=[{"name": "ca", "cluster": {"server": "https://a"}}], users=[{"name": "ua", "user": {}}],
                 **{"current-context": "kind-a"})
    second.update(contexts=[{"name": "prod", "context": {"cluster": "cb", "user": "ub"}},
                            {"name": "kind-a", "context": {"cluster": "shadowed", "user": "ub"}}],
                  clusters=[{"name": "cb", "cluster": {"server": "https://b"}}], users=[{"name": "ub", "user": {}}],
                  **{"current-context": "prod"})
    return write_kubeconfig(tmp_path / "a.yaml", first), write_kubeconfig(tmp_path / "b.yaml", second)


def test_contexts_and_clusters_come_from_the_merged_kubeconfig(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = merged_kubeconfigs(tmp_path)
    monkeypatch.setenv("KUBECONFIG", f"{first}:{tmp_path / 'missing.yaml'}:{second}")
    assert values("explain", "--context", "") == ["kind-a", "prod"]
    assert values("audit", "--cluster", "") == ["ca", "cb"]
    assert values("trace", "--user", "u") == ["ua", "ub"]
    assert values("explain", "--kubeconfig", str(second), "--context", "") == ["prod", "kind-a"]


def test_the_merge_follows_kubectl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first file to name an entry wins, and the first file's current-context is the current one."""
    from kubectl_arch.collect.kubeconfig import load_kubeconfig

    first, second = merged_kubeconfigs(tmp_path)
    monkeypatch.setenv("KUBECONFIG", f"{first}:{second}")
    kubeconfig = load_kubeconfig()
    assert kubeconfig.current_context == "kind-a"
    assert kubeconfig.entry("contexts", "kind-a").value["context"]["cluster"] == "ca"


def test_each_kubeconfig_file_is_parsed_once_and_with_libyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's merger parsed every file a second time in pure Python (ten times slower, on every command)."""
    import yaml

    from kubectl_arch import yamltext
    from kubectl_arch.collect.kubeconfig import load_kubeconfig

    first, second = merged_kubeconfigs(tmp_path)
    monkeypatch.setenv("KUBECONFIG", f"{first}:{second}")
    parsed: list[str] = []
    fast, pure = yamltext.safe_load, yaml.safe_load
    monkeypatch.setattr(yamltext, "safe_load", lambda text: parsed.append("libyaml") or fast(text))
    monkeypatch.setattr(yaml, "safe_load", lambda stream: parsed.append("pure Python") or pure(stream))

    assert load_kubeconfig().names("contexts") == ["kind-a", "prod"]
    assert parsed == ["libyaml", "libyaml"]


def test_all_contexts_uses_the_same_merged_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kubectl_arch.audit.command import _targets
    from kubectl_arch.cli.options import ClusterOptions

    first, second = merged_kubeconfigs(tmp_path)
    monkeypatch.setenv("KUBECONFIG", f"{first}:{second}")
    assert [t.context for t in _targets(ClusterOptions(), all_contexts=True)] == ["kind-a", "prod"]


def test_file_flags_let_the_shell_complete_file_names() -> None:
    for flag in ("--kubeconfig", "--certificate-authority", "--client-certificate", "--client-key", "--snapshot"):
        assert completion_lines(["explain", flag, ""]) == [":0"], flag


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_real_kubectl_completes_a_value_through_the_plugin(tmp_path: Path) -> None:
    lines = kubectl_complete("audit", "--check", "etcd-d", home=tmp_path)
    assert [line.split("\t")[0] for line in lines] == ["etcd-db-size", "etcd-disk-latency", ":4"]
    assert kubectl_complete("explain", "dn", home=tmp_path)[0].startswith("dns\t")
