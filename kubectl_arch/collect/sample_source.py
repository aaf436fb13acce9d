"""Bundled sample clusters (``--sample NAME``) served through the ``Source`` protocol, beside the other sources.

Each sample is a folder of the data package ``kubectl_arch/samples``: ``sample.yaml`` (name, description,
capture time, credentials, TLS chain and the non-resource answers such as ``/version`` and ``/metrics``) and
``objects/*.yaml`` (the Kubernetes objects). ``ApiStore`` answers requests over them like an API server, so
samples work with whatever requests a command makes. They are samples, not recordings of real clusters.
"""


from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubectl_arch import jsonshape
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.collect.source import Credentials, Query, Response
from kubectl_arch.errors import UsageError
from kubectl_arch.yamltext import safe_load, safe_load_all

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"  # the data package kubectl_arch.samples


@dataclass
class Sample:
    """A loaded sample: its store and what ``sample.yaml`` says about it."""

    name: str
    description: str
    captured_at: dt.datetime
    credentials: Credentials
    peer_certificates: list[str]
    store: ApiStore


def sample_names() -> list[str]:
    return sorted(p.parent.name for p in SAMPLES_DIR.glob("*/sample.yaml"))


def describe_samples() -> list[tuple[str, str]]:
    """(name, one-line description) of each bundled sample."""
    out = []
    for name in sample_names():
        meta = safe_load((SAMPLES_DIR / name / "sample.yaml").read_text()) or {}
        out.append((name, str(meta.get("description", "")).strip().splitlines()[0] if meta.get("description") else ""))
    return out


def load_sample(name: str) -> Sample:
    folder = SAMPLES_DIR / name
    if not (folder / "sample.yaml").is_file():
        raise UsageError(f"no sample named {name!r}", hint=f"bundled samples: {', '.join(sample_names())}")
    meta, objects = _parsed(folder)
    store = ApiStore()
    store.now = dt.datetime.fromisoformat(str(meta["capturedAt"]).replace("Z", "+00:00"))
    store.add_all(objects)
    for request, answer in jsonshape.mapping(meta.get("raw")).items():
        store.set_raw(request, _raw_response(folder, answer))
    tls = jsonshape.mapping(meta.get("tls"))
    creds = jsonshape.mapping(meta.get("credentials"))

    def pem(file: str | None) -> str | None:
        return (folder / "tls" / file).read_text() if file else None

    return Sample(
        name=name,
        description=str(meta.get("description", "")).strip(),
        captured_at=dt.datetime.fromisoformat(str(meta["capturedAt"]).replace("Z", "+00:00")),
        credentials=Credentials(
            context=creds.get("context", name),
            server=creds.get("server", "https://127.0.0.1:6443"),
            client_certificate_pem=pem(creds.get("clientCertificate")),
            certificate_authority_pem=pem(creds.get("certificateAuthority")),
            auth=creds.get("auth", "client-certificate"),
        ),
        peer_certificates=[p for p in (pem(f) for f in jsonshape.sequence(tls.get("chain"))) if p],
        store=store,
    )


# Parsed samples of this process, pickled, by their files' (path, mtime, size): a process that loads a sample
# again (the in-process test suite, `samples NAME` then `trace`) unpickles its own copy, 40x faster than YAML.
_PARSED: dict[tuple[tuple[str, int, int], ...], bytes] = {}


def _parsed(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """``sample.yaml`` and every object of the sample's ``objects/*.yaml``, fresh for the caller to keep."""
    files = [folder / "sample.yaml", *sorted((folder / "objects").glob("*.yaml"))]
    key = tuple((str(path), *_signature(path)) for path in files)
    if key not in _PARSED:
        meta = safe_load(files[0].read_text()) or {}
        objects = [doc for path in files[1:] for doc in safe_load_all(path.read_text()) if doc]
        _PARSED[key] = pickle.dumps((meta, objects), protocol=pickle.HIGHEST_PROTOCOL)
    meta, objects = pickle.loads(_PARSED[key])
    return meta, objects


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _raw_response(folder: Path, answer: dict[str, Any]) -> Response:
    """A non-resource answer: ``file`` (JSON parsed by extension, else text), or ``status`` and ``error``."""
    status = int(answer.get("status", 200))
    if "file" in answer:
        path = folder / "raw" / answer["file"]
        body = path.read_text()
        if path.suffix == ".json":
            return Response(status=status, data=json.loads(body))
        return Response(status=status, text=body)
    if "json" in answer:
        return Response(status=status, data=answer["json"])
    if "text" in answer:
        return Response(status=status, text=str(answer["text"]))
    return Response(status=status, error=answer.get("error", f"HTTP {status}"))


class SampleSource:
    """Serves a bundled sample through the ``Source`` protocol, with no network."""

    def __init__(self, sample: Sample) -> None:
        self.sample = sample

    @classmethod
    def named(cls, name: str) -> SampleSource:
        return cls(load_sample(name))

    @property
    def description(self) -> str:
        return f"sample {self.sample.name} (illustrative data, not a live cluster)"

    def get(self, path: str, query: Query | None = None) -> Response:
        return self.sample.store.get(path, query)

    def get_table(self, path: str, query: Query | None = None) -> Response:
        return self.sample.store.get_table(path, query)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        return iter(())

    def peer_certificates(self) -> Response:
        if not self.sample.peer_certificates:
            return Response(status=0, error="this sample has no API server certificate")
        return Response(status=200, data=list(self.sample.peer_certificates))

    def credentials(self) -> Credentials:
        return self.sample.credentials

    def now(self) -> dt.datetime:
        return self.sample.captured_at
