"""The workloads the end-to-end tests create (through kubectl: the test writes, kubectl-arch only reads)."""

from __future__ import annotations

from typing import Any

from tests.e2e.cluster import LabCluster, wait_until

# registry.k8s.io's pause image: tiny, starts at once, and needs no configuration.
RUNNING_IMAGE = "registry.k8s.io/pause:3.10"
MISSING_IMAGE = "registry.k8s.io/kubectl-arch-e2e/no-such-image:v0.0.0"

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {namespace}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: "{image}"}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {namespace}}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80, targetPort: 80}}]
"""

BROKEN = """
apiVersion: v1
kind: Pod
metadata: {{name: broken, namespace: {namespace}}}
spec:
  containers: [{{name: app, image: "{image}"}}]
"""


def deploy_web(cluster: LabCluster, namespace: str) -> str:
    """A Deployment behind a Service, Ready and published in an EndpointSlice; returns its pod's name."""
    cluster.kubectl("apply", "-f", "-", input=WEB.format(namespace=namespace, image=RUNNING_IMAGE))
    cluster.kubectl("rollout", "status", "deployment/web", "-n", namespace, "--timeout=180s")
    pods = cluster.kubectl_json("get", "pods", "-n", namespace, "-l", "app=web")["items"]
    assert len(pods) == 1, [p["metadata"]["name"] for p in pods]
    pod = pods[0]
    wait_until(lambda: _published(cluster, namespace, pod["metadata"]["uid"]), "the pod's ready endpoint")
    return str(pod["metadata"]["name"])


def start_broken_pod(cluster: LabCluster, namespace: str) -> str:
    """A pod whose image does not exist, left once the kubelet reports the pull failing."""
    cluster.kubectl("apply", "-f", "-", input=BROKEN.format(namespace=namespace, image=MISSING_IMAGE))
    wait_until(lambda: _waiting_reason(cluster, namespace, "broken") in ("ErrImagePull", "ImagePullBackOff"),
               "the kubelet to report the image pull failing")
    return "broken"


def _published(cluster: LabCluster, namespace: str, pod_uid: str) -> bool:
    slices = cluster.kubectl_json("get", "endpointslices", "-n", namespace,
                                  "-l", "kubernetes.io/service-name=web")["items"]
    return any((endpoint.get("targetRef") or {}).get("uid") == pod_uid
               and (endpoint.get("conditions") or {}).get("ready") is not False
               for item in slices for endpoint in item.get("endpoints") or [])


def _waiting_reason(cluster: LabCluster, namespace: str, pod: str) -> str:
    status: dict[str, Any] = cluster.kubectl_json("get", "pod", pod, "-n", namespace).get("status") or {}
    for container in status.get("containerStatuses") or []:
        return str(((container.get("state") or {}).get("waiting") or {}).get("reason") or "")
    return ""
