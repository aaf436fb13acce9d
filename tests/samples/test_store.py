"""ApiStore serves every sample the way an API server would: lists, gets, selectors and paging."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.apistore import RESOURCES_BY_KIND, parse_label_selector
from kubectl_arch.collect.sample_source import SampleSource
from kubectl_arch.collect.source import count, iter_pages, list_all, request_key
from tests.samples.conftest import SampleFiles


def _path(kind: str, namespace: str | None = None, name: str | None = None) -> str:
    resource = RESOURCES_BY_KIND[kind]
    path = resource.prefix + (f"/namespaces/{namespace}" if namespace else "") + f"/{resource.plural}"
    return f"{path}/{name}" if name else path


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def test_every_object_can_be_got_by_its_path(every_sample: SampleFiles) -> None:
    store = every_sample.sample.store
    for _file, obj in every_sample.objects:
        meta = obj["metadata"]
        response = store.get(_path(obj["kind"], meta.get("namespace"), meta["name"]))
        assert response.ok, f"GET {obj['kind']} {meta.get('namespace')}/{meta['name']}: {response.error}"
        assert response.data["metadata"]["uid"] == meta.get("uid")


def test_paged_lists_return_every_object_once_in_etcd_order(every_sample: SampleFiles) -> None:
    source = SampleSource(every_sample.sample)
    kinds = {obj["kind"] for _f, obj in every_sample.objects}
    for kind in kinds:
        expected = sorted(_key(o) for o in every_sample.of_kind(kind))
        pages = list(iter_pages(source, _path(kind), limit=2))
        assert all(page.ok for page in pages)
        assert len(pages) == (len(expected) + 1) // 2 or (not expected and len(pages) == 1)
        listed = [_key(o) for page in pages for o in page.items]
        assert listed == expected, kind
        whole = list_all(source, _path(kind), limit=3)
        assert [_key(o) for o in whole.items] == expected
        total, page = count(source, _path(kind))
        if request_key(_path(kind), {"limit": "1"}) in every_sample.sample.store.raw:
            # the sample answers the count request itself (kubeadm-degraded's 1,500 Services)
            assert total == 1 + page.data["metadata"]["remainingItemCount"] >= len(expected), kind
        else:
            assert total == len(expected), kind


def test_namespaced_lists_hold_only_their_namespace(every_sample: SampleFiles) -> None:
    store = every_sample.sample.store
    for ns in every_sample.of_kind("Namespace"):
        name = ns["metadata"]["name"]
        pods = store.get(_path("Pod", name)).items
        assert sorted(p["metadata"]["name"] for p in pods) == sorted(
            p["metadata"]["name"] for p in every_sample.of_kind("Pod") if p["metadata"]["namespace"] == name)


def test_label_selectors_match_what_the_labels_say(every_sample: SampleFiles) -> None:
    store = every_sample.sample.store
    pods = every_sample.of_kind("Pod")
    selectors = {f"{k}={v}" for p in pods for k, v in (p["metadata"].get("labels") or {}).items()
                 if k in ("component", "k8s-app", "app", "tier")}
    selectors |= {"tier=control-plane,component=etcd", "k8s-app in (kube-dns,kube-proxy)", "!tier"}
    for selector in sorted(selectors):
        matches = parse_label_selector(selector)
        expected = sorted(_key(p) for p in pods if matches(p))
        answer = store.get("/api/v1/pods", {"labelSelector": selector})
        assert sorted(_key(p) for p in answer.items) == expected, selector


def test_field_selectors_find_pods_per_node_and_events_per_object(every_sample: SampleFiles) -> None:
    store = every_sample.sample.store
    for node in every_sample.of_kind("Node"):
        name = node["metadata"]["name"]
        answer = store.get("/api/v1/pods", {"fieldSelector": f"spec.nodeName={name}"})
        assert {p["spec"]["nodeName"] for p in answer.items} <= {name}
        assert len(answer.items) == sum(1 for p in every_sample.of_kind("Pod") if p["spec"].get("nodeName") == name)
    for event in every_sample.of_kind("Event"):
        involved = event["involvedObject"]
        answer = store.get(_path("Event", event["metadata"]["namespace"]),
                           {"fieldSelector": f"involvedObject.uid={involved['uid']}"})
        assert event["metadata"]["name"] in {e["metadata"]["name"] for e in answer.items}


def test_missing_objects_are_404_status_objects(every_sample: SampleFiles) -> None:
    response = every_sample.sample.store.get("/api/v1/namespaces/kube-system/pods/no-such-pod")
    assert response.status == 404 and response.data["kind"] == "Status"


def test_a_sample_loaded_again_is_a_fresh_copy_of_what_its_files_hold_now(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading parses a sample once per process: no caller sees another's changes, and edited files are re-read."""
    from kubectl_arch.collect import sample_source

    first = sample_source.load_sample("k3s")
    node = first.store.objects("Node")[0]
    name = node["metadata"]["name"]
    node["metadata"]["name"] = "changed-by-a-caller"
    assert sample_source.load_sample("k3s").store.objects("Node")[0]["metadata"]["name"] == name

    shutil.copytree(sample_source.SAMPLES_DIR / "k3s", tmp_path / "k3s")
    monkeypatch.setattr(sample_source, "SAMPLES_DIR", tmp_path)
    assert sample_source.load_sample("k3s").store.objects("Node")[0]["metadata"]["name"] == name
    for path in (tmp_path / "k3s" / "objects").glob("*.yaml"):
        path.write_text(path.read_text().replace(f"name: {name}\n", "name: renamed-on-disk\n"))
    renamed = [n["metadata"]["name"] for n in sample_source.load_sample("k3s").store.objects("Node")]
    assert "renamed-on-disk" in renamed and name not in renamed
