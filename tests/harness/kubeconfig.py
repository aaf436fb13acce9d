"""Kubeconfig files for the test API server: token, client certificate or exec-plugin users.

Tests hand these to the real kubernetes client and real kubectl, so they are written exactly as
``kubectl config`` writes them (base64 ``*-data`` fields, clusters/users/contexts lists).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from tests.harness.apiserver import DEFAULT_TOKEN, ApiServer
from tests.harness.pki import CertKey


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def exec_user(command: str, args: Sequence[str] = (), env: Mapping[str, str] | None = None,
              api_version: str = "client.authentication.k8s.io/v1") -> dict[str, Any]:
    """A kubeconfig ``user`` that runs an exec credential plugin, as cloud CLIs install them."""
    spec: dict[str, Any] = {"apiVersion": api_version, "command": command, "args": list(args),
                            "interactiveMode": "Never"}
    if env:
        spec["env"] = [{"name": k, "value": v} for k, v in env.items()]
    return {"exec": spec}


def user_entry(token: str | None = None, client_cert: CertKey | None = None,
               exec_spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``user`` part of a kubeconfig: an exec plugin, a client certificate, a token, or nothing."""
    if exec_spec is not None:
        return exec_spec
    user: dict[str, Any] = {}
    if client_cert is not None:
        user["client-certificate-data"] = _b64(client_cert.cert_pem)
        user["client-key-data"] = _b64(client_cert.key_pem)
    if token is not None:
        user["token"] = token
    return user


def kubeconfig_dict(
    server_url: str,
    ca_pem: str | None,
    *,
    token: str | None = DEFAULT_TOKEN,
    client_cert: CertKey | None = None,
    exec_spec: dict[str, Any] | None = None,
    context: str = "test",
    cluster: str = "test-cluster",
    user: str = "test-user",
    namespace: str | None = None,
    extra_contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """A kubeconfig document; ``extra_contexts`` adds more contexts on the same cluster and user."""
    cluster_entry: dict[str, Any] = {"server": server_url}
    if ca_pem is not None:
        cluster_entry["certificate-authority-data"] = _b64(ca_pem)
    contexts = []
    for name in (context, *extra_contexts):
        ctx: dict[str, Any] = {"cluster": cluster, "user": user}
        if namespace:
            ctx["namespace"] = namespace
        contexts.append({"name": name, "context": ctx})
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": cluster, "cluster": cluster_entry}],
        "users": [{"name": user, "user": user_entry(token, client_cert, exec_spec)}],
        "contexts": contexts,
        "current-context": context,
    }


def write_kubeconfig(path: str | Path, document: Mapping[str, Any]) -> Path:
    """Write a kubeconfig document with owner-only permissions, as kubectl does."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(dict(document), sort_keys=False))
    target.chmod(0o600)
    return target


def kubeconfig_for_server(server: ApiServer, path: str | Path, **kwargs: Any) -> Path:
    """Write a kubeconfig that reaches ``server`` and trusts its CA (keyword arguments: kubeconfig_dict)."""
    return write_kubeconfig(path, kubeconfig_dict(server.url, server.ca_pem, **kwargs))
