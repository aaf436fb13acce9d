"""A tiny cluster built in code, for tests that need data they control (paging sizes, a Secret, env values).

It follows kubeadm's layout closely enough for the foundation's tests; the bundled samples are the
realistic clusters.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.source import Response

CAPTURED_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)
VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.4", "platform": "linux/amd64"}
SECRET_VALUE = "c3VwZXItc2VjcmV0LXBhc3N3b3Jk"  # base64 of a password that must never reach a snapshot
ENV_SECRET = "hunter2-in-an-env-var"


def node(name: str, control_plane: bool = False) -> dict[str, Any]:
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels, "creationTimestamp": "2026-11-01T08:00:00Z"},
        "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
                 if control_plane else []},
        "status": {"conditions": [{"type": "Ready", "status": "True"}],
                   "nodeInfo": {"kubeletVersion": "v1.32.4", "containerRuntimeVersion": "containerd://1.7.24"}},
    }


def pod(namespace: str, name: str, env: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": "registry.k8s.io/pause:3.10"}
    if env:
        container["env"] = env
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "creationTimestamp": "2026-11-19T08:00:00Z"},
        "spec": {"containers": [container], "nodeName": "worker-1"},
        "status": {"phase": "Running"},
    }


def workload(kind: str, api_version: str, name: str, template_path: tuple[str, ...]) -> dict[str, Any]:
    """A workload whose pod template sets an env value, with kubectl's last-applied copy repeating it."""
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind,
                           "metadata": {"name": name, "namespace": "default", "annotations": {}}}
    node = obj
    for key in template_path:
        node = node.setdefault(key, {})
    node["spec"] = pod("default", name, env=[{"name": "DB_PASSWORD", "value": ENV_SECRET}])["spec"]
    obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(obj)
    return obj


def tiny_store(nodes: int = 7, pods: int = 3) -> ApiStore:
    """A store with ``nodes`` nodes (the first three control planes), ``pods`` pods in default, a
    Secret and a TLS Secret in default, and ``/version``."""
    store = ApiStore()
    for i in range(nodes):
        store.add(node(f"cp-{i + 1}" if i < 3 else f"worker-{i - 2}", control_plane=i < 3))
    for i in range(pods):
        store.add(pod("default", f"web-{i}", env=[{"name": "DB_PASSWORD", "value": ENV_SECRET}]))
    store.add({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "db", "namespace": "default"},
               "data": {"password": SECRET_VALUE}, "stringData": {"plain": "also-secret"}})
    store.add({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
               "metadata": {"name": "web-tls", "namespace": "default"},
               "data": {"tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", "tls.key": SECRET_VALUE}})
    store.add(workload("Deployment", "apps/v1", "web", ("spec", "template")))
    store.add(workload("CronJob", "batch/v1", "backup", ("spec", "jobTemplate", "spec", "template")))
    # As a real API server lists them: items without kind or apiVersion.
    store.set_raw("/api/v1/namespaces/prod/secrets", Response(status=200, data={
        "kind": "SecretList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
        "items": [{"metadata": {"name": "api-key", "namespace": "prod"}, "type": "Opaque",
                   "data": {"key": SECRET_VALUE}}]}))
    store.set_raw("/version", Response(status=200, data=VERSION))
    store.set_raw("/readyz", Response(status=200, text="[+]ping ok\n[+]etcd ok\nreadyz check passed\n"),
                  {"verbose": "true"})
    return store
