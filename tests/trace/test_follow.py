"""`trace --follow`: each step printed as it completes, against the test API server's scripted watch."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.trace.follow import Follower

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)


def _pod_named(sample: Any, prefix: str) -> dict[str, Any]:
    return copy.deepcopy(next(p for p in sample.store.objects("Pod") if p["metadata"]["name"].startswith(prefix)))


def creation_states(sample: Any) -> list[dict[str, Any]]:
    """The healthy api pod as a watch sees it: pending, bound, sandbox up, running, Ready."""
    ready = _pod_named(sample, "api-")
    conditions = {c["type"]: c for c in ready["status"]["conditions"]}
    pending = copy.deepcopy(ready)
    del pending["spec"]["nodeName"]
    pending["status"] = {"phase": "Pending", "qosClass": "Burstable"}
    bound = copy.deepcopy(ready)
    bound["status"] = {"phase": "Pending", "conditions": [conditions["PodScheduled"]]}
    sandbox = copy.deepcopy(ready)
    sandbox["status"] = {**ready["status"], "phase": "Pending",
                         "conditions": [conditions[k] for k in ("PodScheduled", "PodReadyToStartContainers",
                                                                "Initialized")],
                         "containerStatuses": [{**ready["status"]["containerStatuses"][0], "ready": False,
                                                "started": False,
                                                "state": {"waiting": {"reason": "ContainerCreating"}}}]}
    running = copy.deepcopy(ready)
    running["status"]["conditions"] = [c for c in ready["status"]["conditions"] if c["type"] not in
                                       ("Ready", "ContainersReady")]
    running["status"]["containerStatuses"][0]["ready"] = False
    return [pending, bound, sandbox, running, ready]


def test_follower_reports_each_step_once(kind_ha_sample: Any) -> None:
    follower = Follower("shop")
    seen: list[list[str]] = []
    finished = []
    kinds = ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED", "MODIFIED"]
    for kind, pod in zip(kinds, creation_states(kind_ha_sample), strict=True):
        step = follower.update(kind, pod, NOW)
        seen.append([s.name for s in step.completed])
        finished.append(step.finished)
    assert seen[0] == ["submitted", "persisted"]
    assert seen[1] == ["scheduled"]
    assert "sandbox-ready" in seen[2] and "init-containers" in seen[2]
    assert "containers-started" in seen[3] and "images-pulled" in seen[3]
    assert "ready" in seen[4]
    assert finished == [False, False, False, False, True]
    assert sum(len(s) for s in seen) == len(set(follower.reported))


def test_follower_stops_on_a_failure(kind_ha_sample: Any) -> None:
    cart = _pod_named(kind_ha_sample, "cart-")
    step = Follower("shop").update("ADDED", cart, NOW)
    assert step.finished and step.stuck is not None and step.stuck.diagnosis.reason == "ImagePullBackOff"


def _shop_store(sample: Any) -> ApiStore:
    """A cluster with the shop namespace and no pod yet (the pod arrives through the watch)."""
    store = ApiStore()
    store.add(next(n for n in sample.store.objects("Namespace") if n["metadata"]["name"] == "shop"))
    store.set_raw("/version", sample.store.get("/version"))
    return store


def test_follow_prints_each_step_until_ready(run_cli: Callable[..., Any], api_server: Any, kubeconfig_for: Any,
                                             kind_ha_sample: Any) -> None:
    states = creation_states(kind_ha_sample)
    name = states[0]["metadata"]["name"]
    server = api_server(_shop_store(kind_ha_sample), now=NOW)
    events = [{"type": "ADDED" if i == 0 else "MODIFIED", "object": pod} for i, pod in enumerate(states)]
    server.script_watch("/api/v1/namespaces/shop/pods", events)
    code, stdout, stderr = run_cli(["trace", "pod", name, "--follow", "--timeout", "30",
                                    "--kubeconfig", str(kubeconfig_for(server, namespace="shop"))])
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[0].startswith("... pod shop/") and "waiting for it to be created" in lines[0]
    order = [line.split()[2] for line in lines if " done " in line]
    assert order.index("scheduled") < order.index("sandbox-ready") < order.index("containers-started") \
        < order.index("ready")
    assert "default-scheduler" in next(line for line in lines if " scheduled " in line)
    assert lines[-1] == "the pod is Ready"
    watches = [r for r in server.requests if r.query.get("watch") in ("1", "true")]
    assert len(watches) == 1 and watches[0].query["fieldSelector"] == f"metadata.name={name}"
    assert all(r.method == "GET" for r in server.requests)


def test_follow_json_lines_stop_at_a_failure(run_cli: Callable[..., Any], api_server: Any, kubeconfig_for: Any,
                                             kind_ha_sample: Any) -> None:
    cart = _pod_named(kind_ha_sample, "cart-")
    creating = copy.deepcopy(cart)
    creating["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "ContainerCreating"}}
    server = api_server(_shop_store(kind_ha_sample), now=NOW)
    server.script_watch("/api/v1/namespaces/shop/pods", [{"type": "ADDED", "object": creating},
                                                          {"type": "MODIFIED", "object": cart}])
    code, stdout, stderr = run_cli(["trace", "pod", cart["metadata"]["name"], "--follow", "-o", "json",
                                    "--kubeconfig", str(kubeconfig_for(server, namespace="shop"))])
    assert code == 0, stderr
    records = [json.loads(line) for line in stdout.splitlines()]
    assert records[0]["event"] == "waiting"
    assert {"scheduled", "sandbox-ready"} <= {r["name"] for r in records if r["event"] == "stage"}
    assert records[-1]["event"] == "stuck" and records[-1]["stage"] == "images-pulled"
    assert records[-1]["reason"] == "ImagePullBackOff"


def test_follow_gives_up_at_the_timeout(run_cli: Callable[..., Any], api_server: Any, kubeconfig_for: Any,
                                        kind_ha_sample: Any) -> None:
    pending = creation_states(kind_ha_sample)[0]
    server = api_server(_shop_store(kind_ha_sample), now=NOW)
    server.script_watch("/api/v1/namespaces/shop/pods", [{"type": "ADDED", "object": pending}])
    code, stdout, _ = run_cli(["trace", "pod", pending["metadata"]["name"], "--follow", "--timeout", "2",
                               "--kubeconfig", str(kubeconfig_for(server, namespace="shop"))])
    assert code == 0
    assert stdout.splitlines()[-1].startswith("stopped following after 2s without Ready or a failure "
                                              "(done: persisted, submitted)")


def test_follow_ends_when_the_pod_is_deleted(run_cli: Callable[..., Any], api_server: Any, kubeconfig_for: Any,
                                             kind_ha_sample: Any) -> None:
    pending = creation_states(kind_ha_sample)[0]
    server = api_server(_shop_store(kind_ha_sample), now=NOW)
    server.script_watch("/api/v1/namespaces/shop/pods", [{"type": "ADDED", "object": pending},
                                                          {"type": "DELETED", "object": pending}])
    code, stdout, _ = run_cli(["trace", "pod", pending["metadata"]["name"], "--follow",
                               "--kubeconfig", str(kubeconfig_for(server, namespace="shop"))])
    assert code == 0 and stdout.splitlines()[-1] == "the pod was deleted"


def test_a_controlled_pod_is_submitted_by_its_owners_controller_not_a_client(kind_ha_sample: Any) -> None:
    """--follow reads the pod alone: its ReplicaSet created it, which the pod's ownerReferences say; 'a client'
    sent the SRE looking for a person or a CI job that never wrote the pod."""
    pod = creation_states(kind_ha_sample)[0]
    submitted = next(s for s in Follower("shop").update("ADDED", pod, NOW).completed if s.name == "submitted")
    owner = next(ref for ref in pod["metadata"]["ownerReferences"] if ref.get("controller"))
    assert submitted.actor == f"the controller of {owner['kind']} {owner['name']}", submitted.actor
