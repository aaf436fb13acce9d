"""Snapshots: every raw response a run fetched, in one gzip JSON document, replayable with no network.

``RecordingSource`` wraps any source and keeps what passes through it (errors included);
``SnapshotSource`` answers the same requests from the file. Secret data, tokens and private keys are
never written: Secrets lose ``data``/``stringData`` (a TLS Secret keeps its public ``tls.crt``), and
container ``env`` values are dropped because people put passwords there.
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from kubectl_arch.collect.concurrency import max_in_flight
from kubectl_arch.collect.source import NO_STATUS, Credentials, Query, Response, Source, request_key, table_reader
from kubectl_arch.errors import UsageError

SNAPSHOT_KIND = "KubectlArchSnapshot"
SNAPSHOT_VERSION = 1
WATCH_PREFIX = "watch "
TABLE_PREFIX = "table "  # a GET that asked for a server-side Table (the answer may be the plain list)
TLS_KEY = "tls:peer-certificates"


class RecordingSource:
    """Passes requests to ``inner`` and records every response, so the run can be saved as a snapshot.

    Each response is kept as compact JSON text the moment it arrives: a 5,000-node list costs a few MB of
    text instead of the objects it parses into, so recording does not double a big run's memory.
    """

    def __init__(self, inner: Source) -> None:
        self._inner = inner
        self._records: dict[str, str] = {}  # request key -> JSON text of its (redacted) record
        self._watches: dict[str, list[dict[str, Any]]] = {}  # watch events are appended as they stream
        self.captured_at = inner.now()

    @property
    def description(self) -> str:
        return self._inner.description

    @property
    def max_in_flight(self) -> int:
        """As many reads at once as the source it records (concurrent recording is safe: one dict write each)."""
        return max_in_flight(self._inner)

    @property
    def responses(self) -> dict[str, dict[str, Any]]:
        """Every recorded record, parsed (for inspection and tests; saving streams the text instead)."""
        records = {key: json.loads(text) for key, text in self._records.items()}
        records.update({key: {"status": 200, "data": events} for key, events in self._watches.items()})
        return records

    def __len__(self) -> int:
        return len(self._records) + len(self._watches)

    def _keep(self, key: str, record: dict[str, Any]) -> None:
        self._records[key] = json.dumps(record, separators=(",", ":"))

    def get(self, path: str, query: Query | None = None) -> Response:
        response = self._inner.get(path, query)
        self._keep(request_key(path, query), redact_record(response.to_record()))
        return response

    def get_table(self, path: str, query: Query | None = None) -> Response:
        reader = table_reader(self._inner)
        response = reader(path, query) if reader else self._inner.get(path, query)
        self._keep(TABLE_PREFIX + request_key(path, query), redact_record(response.to_record()))
        return response

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        events = self._watches.setdefault(WATCH_PREFIX + request_key(path, query), [])
        for event in self._inner.watch(path, query, timeout_seconds):
            events.append(redact_record({"status": 200, "data": event})["data"])
            yield event

    def peer_certificates(self) -> Response:
        response = self._inner.peer_certificates()
        self._keep(TLS_KEY, response.to_record())
        return response

    def credentials(self) -> Credentials:
        return self._inner.credentials()

    def now(self) -> dt.datetime:
        return self._inner.now()

    def _header(self) -> dict[str, Any]:
        creds = self._inner.credentials()
        return {
            "kind": SNAPSHOT_KIND,
            "version": SNAPSHOT_VERSION,
            "capturedAt": self.captured_at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
            "source": self._inner.description,
            "credentials": {
                "context": creds.context,
                "server": creds.server,
                "auth": creds.auth,
                "clientCertificatePem": creds.client_certificate_pem,
                "certificateAuthorityPem": creds.certificate_authority_pem,
            },
        }

    def document(self) -> dict[str, Any]:
        return {**self._header(), "responses": self.responses}

    def save(self, path: str | Path | BinaryIO) -> None:
        """Write the snapshot (to a path or a binary stream such as stdout), streaming the recorded texts
        rather than building one big document."""
        texts = dict(self._records)
        texts.update({key: json.dumps({"status": 200, "data": events}, separators=(",", ":"))
                      for key, events in self._watches.items()})
        header = json.dumps(self._header(), separators=(",", ":"))
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(header[:-1] + ',"responses":{')
            for index, (key, text) in enumerate(texts.items()):
                handle.write(("," if index else "") + json.dumps(key) + ":" + text)
            handle.write("}}")


class SnapshotSource:
    """Answers GETs from a recorded snapshot; a request it never saw comes back as 'not recorded'."""

    def __init__(self, document: dict[str, Any], name: str = "snapshot") -> None:
        self._doc = document
        self._responses: dict[str, Any] = document.get("responses") or {}
        self._name = name
        try:
            self._captured_at = dt.datetime.fromisoformat(str(document["capturedAt"]).replace("Z", "+00:00"))
        except (KeyError, ValueError) as exc:
            raise UsageError(f"{name} is not a kubectl-arch snapshot (bad capturedAt: {exc})") from None

    @classmethod
    def load(cls, path: str | Path) -> SnapshotSource:
        """Read a snapshot file; ``-`` reads it from stdin (``kubectl arch snapshot -o - | ... --snapshot -``)."""
        try:
            with gzip.open(sys.stdin.buffer if str(path) == "-" else path, "rt", encoding="utf-8") as handle:
                document = json.load(handle)
        except FileNotFoundError:
            raise UsageError(f"snapshot {path} does not exist") from None
        except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
            raise UsageError(
                f"snapshot {path} could not be read: {exc}", hint="take a new one with `kubectl arch snapshot -o FILE`"
            ) from None
        if not isinstance(document, dict) or document.get("kind") != SNAPSHOT_KIND:
            raise UsageError(f"{path} is not a kubectl-arch snapshot")
        if document.get("version") != SNAPSHOT_VERSION:
            raise UsageError(
                f"snapshot {path} has version {document.get('version')}; this kubectl-arch reads {SNAPSHOT_VERSION}"
            )
        return cls(document, name=f"snapshot {Path(path).name}")

    @property
    def description(self) -> str:
        return f"{self._name} of {self._doc.get('source', 'a cluster')} taken {self._doc.get('capturedAt')}"

    def get(self, path: str, query: Query | None = None) -> Response:
        record = self._responses.get(request_key(path, query))
        if record is None:
            return Response(status=NO_STATUS, error="not recorded in the snapshot")
        return Response.from_record(record)

    def get_table(self, path: str, query: Query | None = None) -> Response:
        """A Table GET as recorded; a snapshot taken before lean reads answers with the list it holds."""
        record = self._responses.get(TABLE_PREFIX + request_key(path, query))
        if record is None:
            plain = {k: v for k, v in (query or {}).items() if k != "includeObject"}
            return self.get(path, plain)
        return Response.from_record(record)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        record = self._responses.get(WATCH_PREFIX + request_key(path, query)) or {}
        yield from record.get("data") or []

    def peer_certificates(self) -> Response:
        record = self._responses.get(TLS_KEY)
        if record is None:
            return Response(status=NO_STATUS, error="the API server's certificate was not recorded in the snapshot")
        return Response.from_record(record)

    def credentials(self) -> Credentials:
        creds = self._doc.get("credentials") or {}
        return Credentials(
            context=creds.get("context", ""),
            server=creds.get("server", ""),
            client_certificate_pem=creds.get("clientCertificatePem"),
            certificate_authority_pem=creds.get("certificateAuthorityPem"),
            auth=creds.get("auth", "unknown"),
        )

    def now(self) -> dt.datetime:
        return self._captured_at


# -- redaction -------------------------------------------------------------------------------------

PUBLIC_SECRET_KEYS = frozenset({"tls.crt", "ca.crt"})


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a response record safe to write to disk (Secrets emptied, env values dropped)."""
    data = record.get("data")
    if not isinstance(data, dict):
        return record
    record = dict(record)
    record["data"] = redact_object(data)
    return record


def redact_object(obj: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """Redact one object, a list of objects (items carry no kind: it comes from the list's) or a watch event."""
    kind = kind or str(obj.get("kind", ""))
    if isinstance(obj.get("items"), list):
        item_kind = kind.removesuffix("List") if kind.endswith("List") else None
        return {**obj, "items": [redact_object(item, item_kind) for item in obj["items"]]}
    if isinstance(obj.get("object"), dict) and "type" in obj:
        return {**obj, "object": redact_object(obj["object"])}
    if kind == "Secret":
        out = copy.deepcopy(obj)
        out.pop("stringData", None)
        out["data"] = {k: v for k, v in (obj.get("data") or {}).items() if k in PUBLIC_SECRET_KEYS}
        annotations = (out.get("metadata") or {}).get("annotations") or {}
        annotations.pop(LAST_APPLIED, None)
        return out
    return _redact_env(obj)


# Where a pod spec sits: a Pod, a workload's pod template (Deployment, DaemonSet, StatefulSet, ReplicaSet,
# Job), a CronJob's job template.
POD_SPEC_PATHS = (("spec",), ("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))
CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    specs = []
    for path in POD_SPEC_PATHS:
        node: Any = obj
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("containers"), list):
            specs.append(node)
    return specs


def _redact_env(obj: dict[str, Any]) -> dict[str, Any]:
    """Env values replaced in every pod spec of ``obj``, and kubectl's last-applied copy (which repeats
    them) dropped; the names stay, since what is set matters to analysis, not the value."""
    def has_values(spec: dict[str, Any]) -> bool:
        return any(isinstance(env, dict) and "value" in env
                   for key in CONTAINER_KEYS for c in spec.get(key) or [] if isinstance(c, dict)
                   for env in c.get("env") or [])

    if not any(has_values(spec) for spec in _pod_specs(obj)):
        return obj
    out = copy.deepcopy(obj)
    for spec in _pod_specs(out):
        for key in CONTAINER_KEYS:
            for container in spec.get(key) or []:
                for env in (container.get("env") or []) if isinstance(container, dict) else []:
                    if isinstance(env, dict) and "value" in env:
                        env["value"] = "<redacted>"
    annotations = (out.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
    return out
