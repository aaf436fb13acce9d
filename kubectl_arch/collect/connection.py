"""What kubectl's connection flags ask for: which kubeconfig entries to use and what to override in them.

Plain data, so the command line can build it without importing the kubernetes client; the reader
(``collect/kubeconfig.py``) applies it to the merged kubeconfig exactly as kubectl's clientcmd overrides do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Connection:
    """kubectl's global flags that select a cluster and a user (genericclioptions.ConfigFlags)."""

    kubeconfig: str | None = None
    context: str | None = None
    cluster: str | None = None
    user: str | None = None
    namespace: str | None = None
    server: str | None = None
    certificate_authority: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    token: str | None = None
    insecure_skip_tls_verify: bool = False
    tls_server_name: str | None = None
    disable_compression: bool = False
    impersonate: str | None = None
    impersonate_groups: tuple[str, ...] = ()
    impersonate_uid: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Connection:
        """From click's parameters of the flags (--context may be repeated: the last one counts)."""
        values: dict[str, Any] = {f.name: params.get(f.name) for f in fields(cls)
                                  if f.name not in ("context", "impersonate_groups")}
        contexts = params.get("context") or ()
        contexts = (contexts,) if isinstance(contexts, str) else tuple(contexts)
        values["insecure_skip_tls_verify"] = bool(values["insecure_skip_tls_verify"])
        values["disable_compression"] = bool(values["disable_compression"])
        return cls(context=contexts[-1] if contexts else None,
                   impersonate_groups=tuple(params.get("impersonate_groups") or ()), **values)

    def __repr__(self) -> str:  # a token must never reach a log or a traceback
        token = "<hidden>" if self.token else None
        return f"Connection(kubeconfig={self.kubeconfig!r}, context={self.context!r}, token={token})"
