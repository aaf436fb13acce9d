"""Snapshots: every raw response a run fetched, in one gzip JSON document, replayable with no network.

``RecordingSource`` wraps any source and keeps what passes through it (errors included);
``SnapshotSource`` answers the same requests from the file. Secret data, tokens and private keys are
never written: Secrets lose ``data``/``stringData`` (a TLS Secret keeps its public ``tls.crt``), and
container ``env`` values are dropped because people put passwords there.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gzip
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from kubectl_arch import jsonshape
from kubectl_arch.collect.concurrency import max_in_flight
from kubectl_arch.collect.source import (
    NO_STATUS,
    ChecksReadable,
    Credentials,
    Query,
    Response,
    Source,
    request_key,
    table_reader,
)
from kubectl_arch.errors import UsageError

# A snapshot is read whole into memory: a file that inflates past this is refused (a 5,000-node cluster's
# snapshot is well under it), so a small hostile gzip cannot take gigabytes of memory.
MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024
SNAPSHOT_KIND = "KubectlArchSnapshot"
SNAPSHOT_VERSION = 1
WATCH_PREFIX = "watch "
TABLE_PREFIX = "table "  # a GET that asked for a server-side Table (the answer may be the plain list)
TLS_KEY = "tls:peer-certificates"

NOT_RECORDED = "not recorded in the snapshot"  # what a replay answers for a request it does not hold


def _version_hint(version: Any) -> str:
    """What to do about a snapshot of another format: a newer one needs a newer kubectl-arch to read it (or
    one taken by this version); anything else is not a version this tool ever wrote."""
    if isinstance(version, int) and not isinstance(version, bool) and version > SNAPSHOT_VERSION:
        return ("it was taken by a newer kubectl-arch: upgrade this one, or take the snapshot again with this "
                "version (`kubectl arch snapshot -o FILE`)")
    return "take a new one with `kubectl arch snapshot -o FILE`"


class RecordingSource:
    """Passes requests to ``inner`` and records every response, so the run can be saved as a snapshot.

    Each response is kept as compact JSON text the moment it arrives: a 5,000-node list costs a few MB of
    text instead of the objects it parses into, so recording does not double a big run's memory.
    """

    def __init__(self, inner: Source) -> None:
        self._inner = inner
        self._records: dict[str, str] = {}  # request key -> JSON text of its (redacted) record
        self._watches: dict[str, list[dict[str, Any]]] = {}  # watch events are appended as they stream
        self._captured_at: dt.datetime | None = None

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

    def check_readable(self) -> None:
        """As the recorded source judges: a snapshot of a cluster that forbade every read is not written."""
        if isinstance(self._inner, ChecksReadable):
            self._inner.check_readable()

    @property
    def captured_at(self) -> dt.datetime:
        """The snapshot's one instant: the source's clock when first asked (after the first reads, as collect asks),
        then the same for every later ask, so the run and its replay measure ages against one moment."""
        if self._captured_at is None:
            self._captured_at = self._inner.now()
        return self._captured_at

    def now(self) -> dt.datetime:
        return self.captured_at

    def _header(self, incomplete: dict[str, str] | None = None) -> dict[str, Any]:
        creds = self._inner.credentials()
        extra = {"incomplete": dict(incomplete)} if incomplete else {}
        return {**extra,
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

    def save(self, path: str | Path | BinaryIO, incomplete: dict[str, str] | None = None) -> None:
        """Write the snapshot (to a path, owner-only, or a binary stream such as stdout), streaming the
        recorded texts rather than building one big document.

        ``incomplete`` names the reads that failed (need -> why): the file says it is incomplete.
        """
        texts = dict(self._records)
        texts.update({key: json.dumps({"status": 200, "data": events}, separators=(",", ":"))
                      for key, events in self._watches.items()})
        header = json.dumps(self._header(incomplete), separators=(",", ":"))
        with _owner_only(path) as raw, gzip.open(raw, "wt", encoding="utf-8") as handle:
            handle.write(header[:-1] + ',"responses":{')
            for index, (key, text) in enumerate(texts.items()):
                handle.write(("," if index else "") + json.dumps(key) + ":" + text)
            handle.write("}}")


def _owner_only(path: str | Path | BinaryIO) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Open ``path`` for writing readable by its owner only (0600), as kubectl writes a kubeconfig: a snapshot
    describes a cluster in detail even with secrets removed. An existing file is narrowed first. A stream
    (stdout) is written as it is, and left open."""
    if not isinstance(path, (str, Path)):
        return contextlib.nullcontext(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


class SnapshotSource:
    """Answers GETs from a recorded snapshot; a request it never saw comes back as 'not recorded'."""

    def __init__(self, document: dict[str, Any], name: str = "snapshot") -> None:
        self._doc = document
        self._responses: Mapping[str, Any] = jsonshape.mapping(document.get("responses"))
        self._name = name
        try:
            self._captured_at = dt.datetime.fromisoformat(str(document["capturedAt"]).replace("Z", "+00:00"))
        except (KeyError, ValueError) as exc:
            raise UsageError(f"{name} is not a kubectl-arch snapshot (bad capturedAt: {exc})") from None
        if self._captured_at.tzinfo is None:  # every age is measured against it, beside the server's aware times
            raise UsageError(f"{name} is not a kubectl-arch snapshot (capturedAt "
                             f"{json.dumps(document['capturedAt'])} has no time zone; the tool writes UTC, "
                             "e.g. 2026-11-20T09:00:00Z)")

    @classmethod
    def load(cls, path: str | Path) -> SnapshotSource:
        """Read a snapshot file; ``-`` reads it from stdin (``kubectl arch snapshot -o - | ... --snapshot -``)."""
        try:
            with gzip.open(sys.stdin.buffer if str(path) == "-" else path, "rb") as handle:
                raw = handle.read(MAX_SNAPSHOT_BYTES + 1)
            if len(raw) > MAX_SNAPSHOT_BYTES:
                raise UsageError(f"snapshot {path} inflates to more than {MAX_SNAPSHOT_BYTES // 2**20} MiB: "
                                 "not a snapshot this tool wrote")
            document = json.loads(raw)
        except FileNotFoundError:
            raise UsageError(f"snapshot {path} does not exist") from None
        except (OSError, EOFError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise UsageError(
                f"snapshot {path} could not be read: {str(exc)[:200]}",
                hint="take a new one with `kubectl arch snapshot -o FILE`",
            ) from None
        if not isinstance(document, dict) or document.get("kind") != SNAPSHOT_KIND:
            raise UsageError(f"{path} is not a kubectl-arch snapshot")
        responses = document.get("responses", {})
        if not isinstance(responses, dict) or not all(isinstance(r, dict) for r in responses.values()):
            raise UsageError(f"snapshot {path} is damaged: its responses are not request records",
                             hint="take a new one with `kubectl arch snapshot -o FILE`")
        if not isinstance(document.get("credentials", {}), dict):
            raise UsageError(f"snapshot {path} is damaged: its credentials are not a mapping")
        incomplete = document.get("incomplete", {})
        if not isinstance(incomplete, dict) or not all(isinstance(why, str) for why in incomplete.values()):
            # Ignoring it would replay a file that says reads failed as a complete one.
            raise UsageError(f"snapshot {path} is damaged: its incomplete reads are not a mapping of read to reason",
                             hint="take a new one with `kubectl arch snapshot -o FILE`")
        version = document.get("version")
        if version != SNAPSHOT_VERSION or isinstance(version, bool):
            # As written in the file: a string "1" printed bare read as the version this tool reads.
            raise UsageError(
                f"snapshot {path} has version {json.dumps(version)}; this kubectl-arch reads {SNAPSHOT_VERSION}",
                hint=_version_hint(version),
            )
        return cls(document, name=f"snapshot {Path(path).name}")

    @property
    def description(self) -> str:
        source = self._doc.get("source")
        # A hand-edited file may hold anything there: shown as written (JSON), never as a Python repr.
        of = source if isinstance(source, str) else "a cluster" if source is None else json.dumps(source)
        text = f"{self._name} of {of} taken {self._doc.get('capturedAt')}"
        incomplete = self._doc.get("incomplete")
        if isinstance(incomplete, dict) and incomplete:
            text += f" (incomplete: {len(incomplete)} read(s) failed when it was taken)"
        return text

    def get(self, path: str, query: Query | None = None) -> Response:
        record = self._responses.get(request_key(path, query))
        if record is None:
            return Response(status=NO_STATUS, error=NOT_RECORDED)
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
        yield from jsonshape.sequence(record.get("data"))

    def peer_certificates(self) -> Response:
        record = self._responses.get(TLS_KEY)
        if record is None:
            return Response(status=NO_STATUS, error="the API server's certificate was not recorded in the snapshot")
        return Response.from_record(record)

    def credentials(self) -> Credentials:
        creds = jsonshape.mapping(self._doc.get("credentials"))

        def text(key: str, default: str | None = None) -> Any:
            value = creds.get(key, default) if isinstance(creds, dict) else default
            return value if isinstance(value, str) or value is None else str(value)

        return Credentials(
            context=text("context", "") or "",
            server=text("server", "") or "",
            client_certificate_pem=text("clientCertificatePem"),
            certificate_authority_pem=text("certificateAuthorityPem"),
            auth=text("auth", "unknown") or "unknown",
        )

    def now(self) -> dt.datetime:
        return self._captured_at


# -- redaction -------------------------------------------------------------------------------------
#
# What a snapshot keeps is what the analysis reads (docs/security.md lists it). Removed on the way to disk:
# Secret values (a TLS Secret keeps its public tls.crt/ca.crt), container env values, secret-looking
# values in container args and commands, kubectl's last-applied-configuration, the values of annotations
# outside the kubernetes.io and k8s.io namespaces, and the data of listed ConfigMaps (replaced by filler of
# the same encoded size, which is all large-configmaps measures).

PUBLIC_SECRET_KEYS = frozenset({"tls.crt", "ca.crt"})
REDACTED = "<redacted>"


def redact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a response record safe to write to disk (see the list above)."""
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
        if item_kind == "ConfigMap":
            item_kind = _LISTED_CONFIGMAP
        return {**obj, "items": [redact_object(item, item_kind) if isinstance(item, dict) else item
                                 for item in obj["items"]]}
    if isinstance(obj.get("object"), dict) and "type" in obj:
        return {**obj, "object": redact_object(obj["object"])}
    out = _redact_annotations(obj)
    if kind == "Secret":
        out = copy.deepcopy(out)
        out.pop("stringData", None)
        values = out.get("data")
        out["data"] = {k: v for k, v in values.items() if k in PUBLIC_SECRET_KEYS} if isinstance(values, dict) else {}
        return out
    if kind == _LISTED_CONFIGMAP or (kind == "ConfigMap" and _namespace(out) != "kube-system"):
        return _sized_filler(out)  # outside kube-system only a leader-election lock is read by name: its annotation
    return _redact_pod_specs(out)


# Listed ConfigMaps (every namespace, for their sizes) lose their data; a ConfigMap read by name (kube-proxy,
# kubeadm-config) is configuration the analysis reads and is kept.
_LISTED_CONFIGMAP = "ConfigMap (listed)"


def _namespace(obj: dict[str, Any]) -> str:
    metadata = obj.get("metadata")
    return str(metadata.get("namespace", "")) if isinstance(metadata, dict) else ""


def _sized_filler(configmap: dict[str, Any]) -> dict[str, Any]:
    """The ConfigMap with each data value replaced by ASCII filler of the same JSON-encoded length."""
    out = dict(configmap)
    for field_name in ("data", "binaryData"):
        values = configmap.get(field_name)
        if isinstance(values, dict):
            out[field_name] = {k: "x" * (len(json.dumps(v)) - 2) if isinstance(v, str) else REDACTED
                               for k, v in values.items()}
    return out


def _keep_annotation(key: str) -> bool:
    """Kubernetes' own annotations (mirror pods, kubeadm endpoints, revisions) are read by the analysis;
    anything else may hold whatever a team put there."""
    domain = key.split("/", 1)[0] if "/" in key else ""
    return domain.endswith(("kubernetes.io", "k8s.io")) and key != LAST_APPLIED


def _redact_annotations(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return obj
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict) or all(_keep_annotation(k) for k in annotations):
        return obj
    kept = {k: v for k, v in annotations.items() if k != LAST_APPLIED}
    kept = {k: v if _keep_annotation(k) else REDACTED for k, v in kept.items()}
    return {**obj, "metadata": {**metadata, "annotations": kept}}


# Where a pod spec sits: a Pod, a workload's pod template (Deployment, DaemonSet, StatefulSet, ReplicaSet,
# Job), a CronJob's job template.
POD_SPEC_PATHS = (("spec",), ("spec", "template", "spec"), ("spec", "jobTemplate", "spec", "template", "spec"))
CONTAINER_KEYS = ("containers", "initContainers", "ephemeralContainers")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_SECRET_NAME = (r"[\w.-]*(?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key"
                r"|credentials?)[\w.-]*")
# --db-password=hunter2, PASSWORD=x, api_key: x; not a file path (--token-auth-file=/etc/...) nor a switch
_SECRET_ASSIGNMENT = re.compile(rf"(?i)(\b{_SECRET_NAME}\s*[=:]\s*)(?!/|true\b|false\b)([^\s,;&'\"]+)")
_SECRET_FLAG = re.compile(rf"(?i)^-{{1,2}}{_SECRET_NAME}$")  # --password VALUE: the value is the next arg
_BEARER = re.compile(r"(?i)\b(bearer|basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:)([^@\s/]+)(@)")


def redact_argument(value: str) -> str:
    """One command-line argument with secret-looking values replaced (flags, Bearer tokens, DSN passwords)."""
    value = _SECRET_ASSIGNMENT.sub(lambda m: m.group(1) + REDACTED, value)
    value = _BEARER.sub(lambda m: m.group(1) + m.group(2) + REDACTED, value)
    return _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED + m.group(3), value)


def redact_arguments(arguments: list[Any]) -> list[Any]:
    out: list[Any] = []
    for index, argument in enumerate(arguments):
        if not isinstance(argument, str):
            out.append(argument)
            continue
        previous = arguments[index - 1] if index else None
        secret_value = (isinstance(previous, str) and _SECRET_FLAG.match(previous) is not None
                        and not argument.startswith(("-", "/")))
        out.append(REDACTED if secret_value else redact_argument(argument))
    return out


def _pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    specs = []
    for path in POD_SPEC_PATHS:
        node: Any = obj
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("containers"), list):
            specs.append(node)
    return specs


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for key in CONTAINER_KEYS for c in jsonshape.sequence(spec.get(key)) if isinstance(c, dict)]


def _needs_redaction(container: dict[str, Any]) -> bool:
    env = container.get("env")
    if isinstance(env, list) and any(isinstance(e, dict) and "value" in e for e in env):
        return True
    for key in ("args", "command"):
        values = container.get(key)
        if isinstance(values, list) and redact_arguments(values) != values:
            return True
    return False


def _redact_pod_specs(obj: dict[str, Any]) -> dict[str, Any]:
    """Env values and secret-looking args/command values replaced in every pod spec of ``obj``; the names
    and the flags stay, since what is set matters to analysis, not the secret."""
    if not any(_needs_redaction(c) for spec in _pod_specs(obj) for c in _containers(spec)):
        return obj
    out = copy.deepcopy(obj)
    for spec in _pod_specs(out):
        for container in _containers(spec):
            for env in jsonshape.sequence(container.get("env")) if isinstance(container.get("env"), list) else []:
                if isinstance(env, dict) and "value" in env:
                    env["value"] = REDACTED
            for key in ("args", "command"):
                if isinstance(container.get(key), list):
                    container[key] = redact_arguments(container[key])
    return out
