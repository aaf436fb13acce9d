"""Sources that fail one named read the way the live reader reports it, for the fault matrix.

``KubeSource`` turns every transport failure into a ``Response`` (tests/foundation/test_kube_faults.py proves
each one against the real client over HTTPS); these are those responses, so the matrix can run in-process
over every sample in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kubectl_arch.collect.source import NO_STATUS, Credentials, Query, Response, Source, request_key

TLS_READ = "tls:peer-certificates"


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code,
            "message": message}


def faulted(kind: str, path: str) -> Response:
    """What ``KubeSource.get`` returns for ``path`` when the read fails as ``kind``."""
    if kind == "500":
        return Response(status=500, data=_status(500, "InternalError", "etcdserver: leader changed"),
                        error="etcdserver: leader changed (after 4 attempts)")
    if kind == "403":
        return Response(status=403, data=_status(403, "Forbidden", f'cannot get path "{path}"'),
                        error=f'cannot get path "{path}"')
    if kind == "429":
        return Response(status=429, data=_status(429, "TooManyRequests", "too many requests"),
                        error="too many requests (after 4 attempts)")
    if kind == "timeout":
        return Response(status=NO_STATUS, error="timed out after 30s (--request-timeout)")
    if kind == "truncated":
        return Response(status=200, error="the response was not valid JSON (truncated?) (after 4 attempts)")
    raise ValueError(kind)


FAULTS = ("500", "403", "429", "timeout", "truncated")


class MemoSource:
    """A sample's answers computed once: the matrix replays them hundreds of times."""

    def __init__(self, inner: Source) -> None:
        self._inner = inner
        self._answers: dict[str, Response] = {}
        self._tls: Response | None = None
        self.paths: list[str] = []  # every path asked, in order, once each

    @property
    def description(self) -> str:
        return self._inner.description

    def get(self, path: str, query: Query | None = None) -> Response:
        key = request_key(path, query)
        if key not in self._answers:
            self._answers[key] = self._inner.get(path, query)
        if path not in self.paths:
            self.paths.append(path)
        return self._answers[key]

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        return self._inner.watch(path, query, timeout_seconds)

    def peer_certificates(self) -> Response:
        if self._tls is None:
            self._tls = self._inner.peer_certificates()
        if TLS_READ not in self.paths:
            self.paths.append(TLS_READ)
        return self._tls

    def credentials(self) -> Credentials:
        return self._inner.credentials()

    def now(self) -> dt.datetime:
        return self._inner.now()


class FaultySource:
    """Answers like ``inner`` except that every read of ``path`` (all its pages) fails as ``kind``."""

    def __init__(self, inner: Source, path: str, kind: str) -> None:
        self._inner = inner
        self.path = path
        self.kind = kind

    @property
    def description(self) -> str:
        return self._inner.description

    def get(self, path: str, query: Query | None = None) -> Response:
        if path == self.path:
            return faulted(self.kind, path)
        return self._inner.get(path, query)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        return self._inner.watch(path, query, timeout_seconds)

    def peer_certificates(self) -> Response:
        if self.path == TLS_READ:
            return Response(status=NO_STATUS, error="TLS handshake with 127.0.0.1:6443 failed: timed out")
        return self._inner.peer_certificates()

    def credentials(self) -> Credentials:
        return self._inner.credentials()

    def now(self) -> dt.datetime:
        return self._inner.now()
