"""Every bundled sample is well-formed: it loads, its objects are valid Kubernetes objects, its times are
consistent with its capture time, and its raw answers look exactly like the API server's."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from cryptography import x509
from prometheus_client.parser import text_string_to_metric_families

from kubectl_arch.collect.apistore import RESOURCES_BY_KIND
from kubectl_arch.collect.sample_source import describe_samples, sample_names
from tests.samples.conftest import SampleFiles

ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
# The bucket bounds kube-apiserver registers for etcd_request_duration_seconds (storage/etcd3/metrics).
ETCD_REQUEST_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20,
                        30, 45, 60]


def test_every_sample_has_a_one_line_description_that_says_it_is_a_sample() -> None:
    described = dict(describe_samples())
    assert set(described) == set(sample_names())
    for name, line in described.items():
        assert line.startswith("Sample:"), f"{name}: first description line must say it is a sample: {line!r}"
        assert len(line) <= 120, f"{name}: the one-liner is too long for `kubectl arch samples`"


def test_sample_loads_with_objects_and_capture_time(every_sample: SampleFiles) -> None:
    sample = every_sample.sample
    assert sample.captured_at.tzinfo is not None
    assert len(every_sample.objects) >= 20
    assert sample.store.objects("Node"), "a sample without nodes teaches nothing"


def test_every_object_has_identity_and_scope(every_sample: SampleFiles) -> None:
    seen: set[tuple[str, str, str]] = set()
    uids: set[str] = set()
    for file, obj in every_sample.objects:
        where = f"{every_sample.folder.name}/objects/{file}"
        assert obj.get("apiVersion") and obj.get("kind"), f"{where}: object without apiVersion/kind"
        meta = obj.get("metadata") or {}
        assert meta.get("name"), f"{where}: {obj['kind']} without metadata.name"
        resource = RESOURCES_BY_KIND.get(obj["kind"])
        assert resource is not None, f"{where}: kind {obj['kind']} is not served by ApiStore"
        name = f"{obj['kind']} {meta.get('namespace', '')}/{meta['name']}"
        if resource.namespaced:
            assert meta.get("namespace"), f"{where}: namespaced {name} without metadata.namespace"
        else:
            assert "namespace" not in meta, f"{where}: cluster-scoped {name} has a namespace"
        key = (obj["kind"], meta.get("namespace", ""), meta["name"])
        assert key not in seen, f"{where}: duplicate {name}"
        seen.add(key)
        if meta.get("uid"):
            assert meta["uid"] not in uids, f"{where}: uid of {name} is reused"
            uids.add(meta["uid"])


def test_namespaced_objects_live_in_existing_namespaces(every_sample: SampleFiles) -> None:
    namespaces = {ns["metadata"]["name"] for ns in every_sample.of_kind("Namespace")}
    used = {obj["metadata"]["namespace"] for _f, obj in every_sample.objects if obj["metadata"].get("namespace")}
    assert used <= namespaces, f"objects in namespaces with no Namespace object: {sorted(used - namespaces)}"


def _times(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _times(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _times(item, f"{path}[{i}]")
    elif isinstance(value, str) and ISO_TIME.match(value):
        yield path, value


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_no_timestamp_is_after_the_capture_time(every_sample: SampleFiles) -> None:
    captured = every_sample.sample.captured_at
    for file, obj in every_sample.objects:
        for path, value in _times(obj):
            assert _parse(value) <= captured, f"{file}: {obj['kind']} {obj['metadata']['name']}{path} = {value} " \
                                              f"is after capturedAt {captured.isoformat()}"


def test_objects_are_not_older_than_their_owners(every_sample: SampleFiles) -> None:
    by_uid = {obj["metadata"]["uid"]: obj for _f, obj in every_sample.objects if obj["metadata"].get("uid")}
    for file, obj in every_sample.objects:
        for ref in obj["metadata"].get("ownerReferences") or []:
            owner = by_uid.get(ref["uid"])
            assert owner is not None, f"{file}: {obj['metadata']['name']} owned by missing {ref['kind']} {ref['name']}"
            assert owner["kind"] == ref["kind"] and owner["metadata"]["name"] == ref["name"]
            assert _parse(owner["metadata"]["creationTimestamp"]) <= _parse(obj["metadata"]["creationTimestamp"]), \
                f"{file}: {obj['metadata']['name']} was created before its owner {ref['name']}"


def test_version_answer_is_the_api_servers_json(every_sample: SampleFiles) -> None:
    response = every_sample.sample.store.get("/version")
    assert response.ok and isinstance(response.data, dict)
    assert re.match(r"^v1\.\d+\.\d+", response.data["gitVersion"])
    assert response.data["major"] == "1" and response.data["minor"].rstrip("+").isdigit()


@pytest.mark.parametrize("endpoint", ["readyz", "livez"])
def test_health_answers_read_like_verbose_healthz(every_sample: SampleFiles, endpoint: str) -> None:
    response = every_sample.sample.store.get(f"/{endpoint}", {"verbose": "true"})
    text = response.text
    assert text, f"/{endpoint}?verbose=true has no text"
    *checks, verdict = text.strip().splitlines()
    assert checks[0] == "[+]ping ok"
    for line in checks:
        assert re.match(r"^\[\+\][\w/.-]+ ok$|^\[-\][\w/.-]+ failed: reason withheld$", line), line
    failed = any(line.startswith("[-]") for line in checks)
    assert verdict == f"{endpoint} check {'failed' if failed else 'passed'}"
    assert response.status == (500 if failed else 200), "the API server answers a failed verbose check with 500"


def test_metrics_parse_and_use_real_histogram_layouts(every_sample: SampleFiles) -> None:
    response = every_sample.sample.store.get("/metrics")
    assert response.ok and response.text
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    etcd = families["etcd_request_duration_seconds"]
    assert etcd.type == "histogram"
    by_series: dict[tuple[tuple[str, str], ...], list[tuple[float, float]]] = {}
    for s in etcd.samples:
        if s.name.endswith("_bucket"):
            labels = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            assert {k for k, _ in labels} == {"operation", "type"}
            by_series.setdefault(labels, []).append((float(s.labels["le"]), s.value))
    assert by_series
    for labels, buckets in by_series.items():
        bounds = [b for b, _ in buckets]
        assert bounds == [*ETCD_REQUEST_BUCKETS, float("inf")], labels
        counts = [c for _, c in buckets]
        assert counts == sorted(counts), f"cumulative buckets must not decrease: {labels}"
    sizes = [s for s in families["apiserver_storage_size_bytes"].samples]
    assert sizes and all(s.labels.get("storage_cluster_id") for s in sizes)
    assert any(s.labels.get("resource") == "pods" for s in families["apiserver_storage_objects"].samples)


def test_etcd_metrics_through_the_pod_proxy_fail_as_on_kubeadm(every_sample: SampleFiles) -> None:
    for pod in every_sample.sample.store.objects("Pod"):
        if (pod["metadata"].get("labels") or {}).get("component") != "etcd":
            continue
        path = f"/api/v1/namespaces/kube-system/pods/{pod['metadata']['name']}:2381/proxy/metrics"
        response = every_sample.sample.store.get(path)
        assert response.status == 503 and "2381" in (response.error or ""), path


def _certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def test_tls_chain_and_credentials_are_real_certificates(every_sample: SampleFiles) -> None:
    sample = every_sample.sample
    assert sample.peer_certificates, "every sample presents an API server certificate"
    leaf = _certificate(sample.peer_certificates[0])
    assert sample.credentials.certificate_authority_pem
    ca = _certificate(sample.credentials.certificate_authority_pem)
    leaf.verify_directly_issued_by(ca)
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    if sample.credentials.client_certificate_pem:
        # kubeadm signs client certificates with the cluster CA; k3s with a client CA it appends to the leaf
        client, *issuer = x509.load_pem_x509_certificates(sample.credentials.client_certificate_pem.encode())
        client.verify_directly_issued_by(issuer[0] if issuer else ca)
    for pem_file in (every_sample.folder / "tls").glob("*.pem"):
        assert "PRIVATE KEY" not in pem_file.read_text(), f"{pem_file.name}: private keys are never committed"


def test_embedded_certificates_match_their_tls_files(every_sample: SampleFiles) -> None:
    """Each ``caBundle``/``request`` is the base64 of the tls/ file its marker names (tools/make_sample_certs.py)."""
    marker = re.compile(r"^\s*(?:- )?(\w+): (\S+)\s+# from tls/([\w.-]+)$")
    found = 0
    for path in sorted((every_sample.folder / "objects").glob("*.yaml")):
        for line in path.read_text().splitlines():
            match = marker.match(line)
            if match:
                found += 1
                expected = (every_sample.folder / "tls" / match[3]).read_bytes()
                assert base64.b64decode(match[2]) == expected, f"{path.name}: stale {match[1]} from {match[3]}"
    bundles = [obj for kind in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService")
               for obj in every_sample.of_kind(kind)]
    for obj in bundles:
        hooks = obj.get("webhooks") or [{"clientConfig": obj["spec"]}]
        for hook in hooks:
            if hook["clientConfig"].get("insecureSkipTLSVerify"):
                continue  # k3s's metrics-server APIService: nothing to trust, nothing to expire
            bundle = hook["clientConfig"].get("caBundle")
            assert bundle, f"{obj['kind']} {obj['metadata']['name']} has no caBundle"
            for cert in x509.load_pem_x509_certificates(base64.b64decode(bundle)):
                assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for csr in every_sample.of_kind("CertificateSigningRequest"):
        request = x509.load_pem_x509_csr(base64.b64decode(csr["spec"]["request"]))
        assert request.is_signature_valid
        assert f"CN={csr['spec']['username']}" in request.subject.rfc4514_string()
    assert found >= sum(1 for b in bundles if not b.get("spec", {}).get("insecureSkipTLSVerify"))


def test_sample_yaml_raw_keys_are_request_keys(every_sample: SampleFiles) -> None:
    meta = yaml.safe_load((every_sample.folder / "sample.yaml").read_text())
    for key, answer in (meta.get("raw") or {}).items():
        assert key.startswith("/"), key
        if "?" in key:
            query = key.split("?", 1)[1]
            assert "&".join(sorted(query.split("&"))) == query, f"{key}: query must be sorted like request_key()"
        if "file" in answer:
            path = every_sample.folder / "raw" / answer["file"]
            assert path.is_file(), f"{key}: missing raw/{answer['file']}"
            if path.suffix == ".json":
                json.loads(path.read_text())
