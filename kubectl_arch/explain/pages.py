"""Teaching text for ``kubectl arch explain COMPONENT``: what each part does, how it fails, where to look.

Kept as data in one module so wording is reviewed in one place and the renderers stay formatting-only.
The text is ours, checked against kubernetes.io and etcd.io; links point to the pages to read next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kubectl_arch.explain.analysis import ClusterMap


@dataclass(frozen=True)
class Page:
    """One component's page; ``component`` is its name in the cluster map and the JSON contract."""

    key: str
    component: str
    title: str
    summary: str  # one line, used in the overview tables
    what: str
    failure: str
    flags: Mapping[str, str] = field(default_factory=dict)  # flag -> why it matters
    commands: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()


PAGES: tuple[Page, ...] = (
    Page(
        key="apiserver", component="kube-apiserver", title="kube-apiserver: the front door",
        summary="serves the Kubernetes API; the only component that talks to etcd",
        what=("Every request (kubectl, controllers, kubelets) goes through the API server. It authenticates the "
              "caller, authorizes the verb, runs mutating admission, validates the object against its schema, runs "
              "validating admission, stores it in etcd and streams the change to every watcher. It keeps no "
              "state of its own, so you can run several behind a load balancer; each one is equal and active."),
        failure=("If one of several API servers stops, the load balancer sends requests to the others. If all "
                 "stop, nothing in the cluster can change: no deploys, no scaling, no rescheduling. Running pods "
                 "keep running and Services keep routing with the rules already programmed (the data plane is "
                 "'fail-static'), but kubelets cannot report status and controllers cannot react."),
        flags={
            "authorization-mode": "which authorizers decide access, in order (kubeadm: Node,RBAC)",
            "enable-admission-plugins": "admission plugins on top of the defaults; they can change or refuse objects",
            "event-ttl": "how long Events are kept (default 1h); troubleshooting history is lost after it",
            "etcd-servers": "the etcd endpoints this API server writes to",
            "audit-log-path": "where the audit log goes; unset (and no webhook backend) means no record of "
                              "who did what",
            "max-requests-inflight": "with --max-mutating-requests-inflight, the total concurrency the server "
                                     "shares among priority levels (API Priority and Fairness)",
        },
        commands=(
            "kubectl get --raw='/readyz?verbose'",
            "kubectl get --raw='/livez?verbose'",
            "kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes",
        ),
        docs=("https://kubernetes.io/docs/concepts/overview/components/#kube-apiserver",
              "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"),
    ),
    Page(
        key="etcd", component="etcd", title="etcd: the cluster's memory",
        summary="the key-value store holding every object; needs a quorum of members to accept writes",
        what=("etcd stores the whole desired and observed state of the cluster. Members replicate with Raft: "
              "one leader orders writes, and a write commits once a majority (the quorum: floor(n/2)+1 members) "
              "has it on disk. That is why etcd wants odd member counts (3 or 5) and fast disks: "
              "every write waits for an fsync on a majority."),
        failure=("Losing members up to the tolerated count changes nothing visible. Losing quorum stops all "
                 "writes: the API server cannot create, update or delete anything, and reads that must be "
                 "current fail too. Running pods keep running. A full database (past --quota-backend-bytes) "
                 "raises a NOSPACE alarm: etcd then serves only reads and deletes until space is freed "
                 "(compact, defragment) and the alarm is disarmed. Back it up: a snapshot (`etcdctl snapshot "
                 "save`) is the only way back after losing quorum for good or a destructive change; restore it "
                 "with `etcdutl snapshot restore` (etcdctl's restore was deprecated in etcd 3.5 and removed in "
                 "3.6)."),
        flags={
            "quota-backend-bytes": "database size limit (default 2 GiB, 8 GiB suggested maximum); past it etcd "
                               "raises a NOSPACE alarm and accepts only reads and deletes",
            "listen-metrics-urls": "where /metrics is served (kubeadm: http://127.0.0.1:2381, loopback only)",
            "snapshot-count": "committed transactions between snapshots to disk",
            "auto-compaction-retention": "history etcd keeps before compacting itself (a number means hours in "
                                         "the default periodic mode); unset or 0, etcd never compacts itself and "
                                         "relies on the API server, which compacts every 5 minutes",
            "heartbeat-interval": "leader heartbeat period in ms (default 100); raise on slow networks",
            "election-timeout": "ms a follower waits without a heartbeat before calling an election (default 1000)",
            "initial-cluster": "the members this one knew when it joined",
        },
        commands=(
            "kubectl get --raw='/readyz/etcd'",
            "kubectl get --raw=/metrics | grep -E '^apiserver_storage_size_bytes'   # database size, 1.28+",
        ),
        docs=("https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/",
              "https://etcd.io/docs/v3.5/op-guide/recovery/",
              "https://etcd.io/docs/v3.5/op-guide/maintenance/",
              "https://etcd.io/docs/v3.5/faq/"),
    ),
    Page(
        key="scheduler", component="kube-scheduler", title="kube-scheduler: picks a node for each pod",
        summary="assigns new pods to nodes; one leader, the rest on standby",
        what=("The scheduler watches for pods with no node, filters out nodes that cannot run them (resources, "
              "taints, affinity, volumes), scores the rest and binds the pod to the best one. Only the holder "
              "of the {lock} works; the other instances wait to take over."),
        failure=("If the leader dies, a standby takes the {lock_kind} once it expires (15 s by default). With no "
                 "scheduler at all, new pods stay Pending with no node; pods already placed keep running."),
        flags={
            "leader-elect": "must be true when more than one instance runs",
            "config": "the KubeSchedulerConfiguration file (profiles, plugins)",
            "bind-address": "where health and metrics are served",
        },
        commands=(
            "kubectl get pods -A --field-selector=status.phase=Pending",
            "kubectl get events -A --field-selector=reason=FailedScheduling",
        ),
        docs=("https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/",),
    ),
    Page(
        key="controller-manager", component="kube-controller-manager",
        title="kube-controller-manager: the reconcile loops",
        summary="runs the built-in controllers (Deployments, ReplicaSets, nodes, endpoints...); one leader",
        what=("The controller manager runs the loops that make the actual state match the desired state: "
              "Deployments create ReplicaSets, ReplicaSets create pods, the node lifecycle controller marks "
              "silent nodes and evicts their pods, the EndpointSlice controller publishes ready pods, and the "
              "certificate controllers sign kubelet CSRs. Only the holder of its {lock_kind} works."),
        failure=("While no instance leads, nothing reconciles: scaling does nothing, crashed pods of a "
                 "ReplicaSet are not replaced, nodes that die are not marked and their pods not evicted, "
                 "EndpointSlices go stale. Existing workloads keep running."),
        flags={
            "controllers": "which controllers run ('*' = all that are on by default)",
            "cluster-cidr": "pod network range when it allocates node CIDRs",
            "allocate-node-cidrs": "whether it gives each node a pod CIDR (some CNIs need it)",
            "node-monitor-grace-period": "how long a node may be silent before its Ready condition turns Unknown",
            "cluster-signing-duration": "validity of certificates it signs (default one year)",
            "leader-elect": "must be true when more than one instance runs",
        },
        commands=(),
        docs=("https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
              "https://kubernetes.io/docs/concepts/architecture/controller/"),
    ),
    Page(
        key="cloud-controller-manager", component="cloud-controller-manager",
        title="cloud-controller-manager: the cloud integration",
        summary="links the cluster to a cloud: node addresses and lifecycle, load balancers, routes",
        what=("The cloud controller manager runs the loops that need a cloud provider's API: it initialises "
              "nodes (addresses, zones, providerID), deletes Node objects whose machines are gone, creates "
              "cloud load balancers for Services of type LoadBalancer and programs routes. Bare-metal and "
              "kind clusters usually have none."),
        failure=("New nodes stay tainted 'uninitialized' and receive no pods; LoadBalancer Services stay "
                 "<pending>; deleted machines linger as NotReady nodes. Running workloads are unaffected."),
        flags={"cloud-provider": "which cloud the integration talks to",
               "leader-elect": "must be true when more than one instance runs",
               "controllers": "which cloud controllers run"},
        commands=(
            "kubectl get nodes -o custom-columns=NAME:.metadata.name,PROVIDER:.spec.providerID",
            "kubectl get svc -A --field-selector=spec.type=LoadBalancer",
        ),
        docs=("https://kubernetes.io/docs/concepts/architecture/cloud-controller/",),
    ),
    Page(
        key="kubelet", component="kubelet", title="kubelet: the node agent",
        summary="runs the pods bound to its node and reports node and pod status",
        what=("The kubelet on each node watches for pods bound to it, asks the container runtime (over CRI) to "
              "pull images and start containers, mounts volumes, runs probes, and reports pod and node status "
              "back (node heartbeats are Leases in kube-node-lease). It also runs static pods from files"
              "{static_pods}. {kubelet_config}"),
        failure=("If a kubelet stops, its containers keep running, but nothing on that node is started, "
                 "restarted or probed, and its status goes stale. After the grace period its Ready condition turns "
                 "Unknown and the node is tainted unreachable; once the pods' toleration for that taint runs out "
                 "(5 minutes by default) they are evicted and their controllers recreate them elsewhere "
                 "(StatefulSet pods wait until the old pod is confirmed gone)."),
        commands=(
            "kubectl get nodes -o wide",
            "kubectl describe node <node>",
            "kubectl get leases -n kube-node-lease",
        ),
        docs=("https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/",
              "https://kubernetes.io/docs/concepts/architecture/nodes/"),
    ),
    Page(
        key="kube-proxy", component="kube-proxy", title="kube-proxy: Service routing on each node",
        summary="programs each node so Service IPs reach ready pods (iptables, IPVS or nftables)",
        what=("kube-proxy watches Services and EndpointSlices and programs the node's kernel so traffic to a "
              "Service's virtual IP reaches one of its ready pods. In iptables mode (the default on Linux) "
              "it writes iptables rules; nftables mode (GA in 1.33, needs Linux 5.13+) scales better with "
              "many Services and is the mode to move to; IPVS mode uses kernel load balancing and is deprecated "
              "since 1.35. Cilium (and GKE Dataplane V2, OVN-Kubernetes on OpenShift) can replace kube-proxy."),
        failure=("If kube-proxy stops on a node, the rules already programmed keep working, but changes "
                 "(new Services, pods becoming ready or going away) are not applied there, so traffic can go "
                 "to pods that no longer exist."),
        flags={"proxy-mode": "iptables, ipvs, nftables (Linux) or kernelspace (Windows)",
               "config": "the KubeProxyConfiguration file (kubeadm: from ConfigMap kube-system/kube-proxy)",
               "metrics-bind-address": "metrics and /proxyMode (default 127.0.0.1:10249)"},
        commands=(),
        docs=("https://kubernetes.io/docs/reference/networking/virtual-ips/",
              "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/"),
    ),
    Page(
        key="runtime", component="container-runtime", title="The container runtime: runs the containers",
        summary=("pulls images and runs containers for the kubelet, over CRI (containerd, CRI-O, Docker via "
                 "cri-dockerd)"),
        what=("The kubelet does not run containers itself: it calls a CRI runtime (containerd or CRI-O; "
              "Docker Engine only through cri-dockerd since 1.24). The runtime pulls images, creates the pod "
              "sandbox (and asks the CNI plugin for its network), and starts containers with a low-level "
              "runtime such as runc."),
        failure=("If the runtime stops, the kubelet cannot start, stop or inspect containers: the node goes "
                 "NotReady with a runtime error, and new pods there fail. Containers already running usually "
                 "keep running."),
        commands=(
            "kubectl get nodes -o custom-columns=NAME:.metadata.name,RUNTIME:.status.nodeInfo.containerRuntimeVersion",
            "crictl info   # on the node",
            "crictl ps -a   # on the node",
        ),
        docs=("https://kubernetes.io/docs/setup/production-environment/container-runtimes/",),
    ),
    Page(
        key="cni", component="cni", title="The CNI plugin: the pod network",
        summary="gives each pod an IP and connects pods across nodes",
        what=("When the runtime creates a pod sandbox it calls the CNI plugin installed on the node, which "
              "gives the pod an address and wires it to the pod network so every pod can reach every other "
              "pod without NAT. Plugins differ in how they carry traffic (overlay, routing, cloud VPC "
              "addresses) and in extras such as NetworkPolicy enforcement."),
        failure=("Without a working plugin, new pods stay ContainerCreating with FailedCreatePodSandBox "
                 "events, and a node with no CNI configuration reports NotReady (NetworkPluginNotReady). Existing "
                 "pods keep their network, but "
                 "cross-node traffic can break if the plugin's agent is down for long."),
        commands=(
            "kubectl get ds -A",
            "kubectl get events -A --field-selector=reason=FailedCreatePodSandBox",
        ),
        docs=("https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/",
              "https://kubernetes.io/docs/concepts/cluster-administration/networking/"),
    ),
    Page(
        key="dns", component="dns", title="Cluster DNS: names for Services",
        summary="CoreDNS (or kube-dns) answers <service>.<namespace>.svc names for pods",
        what=("Pods resolve names through the cluster DNS Service ({dns_service}), served by CoreDNS in most clusters. "
              "It answers "
              "Service and pod names from the API (watching Services and EndpointSlices) and forwards other "
              "names to upstream resolvers."),
        failure=("If DNS pods are down, lookups inside the cluster fail or time out: applications that call "
                 "each other by name break even though the network works. {dns_redundancy}"),
        commands=(
            "kubectl run dnscheck --rm -it --restart=Never --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 "
            "-- nslookup kubernetes.default",
        ),
        docs=("https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/",
              "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/"),
    ),
)

PAGES_BY_KEY: dict[str, Page] = {page.key: page for page in PAGES}
ALIASES: dict[str, str] = {
    **{page.component: page.key for page in PAGES},
    "api-server": "apiserver", "kcm": "controller-manager", "ccm": "cloud-controller-manager",
    "container-runtime": "runtime", "containerd": "runtime", "cri-o": "runtime", "coredns": "dns",
    "kube-dns": "dns", "proxy": "kube-proxy", "network": "cni",
}


def find_page(name: str) -> Page | None:
    """The page for a CLI name or alias (``apiserver``, ``kube-apiserver``, ``kcm``...), None if unknown."""
    key = name.strip().lower()
    return PAGES_BY_KEY.get(ALIASES.get(key, key))


def page_for_component(component: str) -> Page:
    return next(page for page in PAGES if page.component == component)


# -- commands from the cluster's profile and facts -----------------------------------------------------

_POD_SELECTORS = {"kube-apiserver": "component=kube-apiserver", "etcd": "component=etcd",
                  "kube-scheduler": "component=kube-scheduler",
                  "kube-controller-manager": "component=kube-controller-manager"}
_OPENSHIFT_NAMESPACES = {"kube-apiserver": "openshift-kube-apiserver", "etcd": "openshift-etcd",
                         "kube-scheduler": "openshift-kube-scheduler",
                         "kube-controller-manager": "openshift-kube-controller-manager"}


# What the etcd page asks etcd, each a whole command line (never "... the same prefix").
ETCD_STATUS = ("endpoint status --cluster -w table", "endpoint health --cluster", "member list -w table",
               "alarm list")


def leader_lock(cluster: ClusterMap, component: str) -> tuple[str, str]:
    """The leader lock a component holds here, as a sentence names it ("Lease", "ConfigMap lock"), and where
    ("kube-system/kube-scheduler"): a Lease in kube-system unless its flags or, on OpenShift, its operator's
    configuration make it a ConfigMap or put it elsewhere."""
    election = cluster.facts.leader_election.get(component)
    kind, where = "Lease", f"kube-system/{component}"
    if election is not None and election.settings.visible:
        kind, where = election.settings.describe.split(" ", 1)
    return ("Lease" if kind == "Lease" else f"{kind} lock"), where


def _for_cluster(text: str, page: Page, cluster: ClusterMap) -> str:
    """``text`` with the leader lock the cluster shows for the page's component (a Lease in kube-system unless its
    flags or, on OpenShift, its operator's configuration put it elsewhere or make it a ConfigMap) and the DNS
    Service of its distribution."""
    kind, where = leader_lock(cluster, page.component)
    return text.replace("{lock}", f"{where} {kind}").replace("{lock_kind}", kind) \
        .replace("{dns_service}", cluster.profile.dns_service) \
        .replace("{dns_redundancy}", cluster.profile.dns_redundancy) \
        .replace("{static_pods}", cluster.profile.static_pods_use()) \
        .replace("{kubelet_config}", cluster.profile.kubelet_config).rstrip()


def what_text(page: Page, cluster: ClusterMap) -> str:
    """What the component does, with the leader lock and DNS Service this cluster uses where the page names them."""
    return _for_cluster(page.what, page, cluster)


def failure_text(page: Page, cluster: ClusterMap) -> str:
    """What happens when the component fails, with what this cluster changes about it: etcd's backup advice
    is the operator's on clusters that run etcd, the provider's where it is hidden, and moot over kine; the
    leader lock is the one the cluster uses."""
    if page.component != "etcd":
        return _for_cluster(page.failure, page, cluster)
    profile, store = cluster.profile, cluster.facts.datastore
    if profile.hidden:
        return (f"{page.failure} On {profile.title} the provider runs etcd: no snapshot of it is yours to take, so "
                "keep what you deploy reproducible (manifests in version control, or a backup tool that reads the "
                "API).")
    if store.kind == "kine-sqlite":
        return (f"{page.failure} This cluster runs no etcd: kine keeps its state in SQLite on the server "
                "(/var/lib/rancher/k3s/server/db), and a copy of that folder, taken while k3s is stopped, is its "
                "backup.")
    return page.failure


def page_commands(page: Page, cluster: ClusterMap) -> tuple[str, ...]:
    """The page's commands for this cluster: the ones valid everywhere, then those of its distribution
    profile and of what the fact base found (the datastore, the Service proxy, the leader locks)."""
    from kubectl_arch.model import profiles

    profile, facts = cluster.profile, cluster.facts
    component = page.component
    extra: list[str] = []
    if component in _POD_SELECTORS:
        extra += _control_plane_commands(component, cluster)
    if component == "etcd":
        store = facts.datastore
        if store.is_etcd and profile.fix(profiles.ETCDCTL) and store.kind != "external-etcd":
            extra += [str(profile.etcdctl(subcommand)) for subcommand in ETCD_STATUS]
        if store.kind == "kine-sqlite":
            extra += ["ls -l /var/lib/rancher/k3s/server/db/   # on the server: kine's SQLite database",
                      "# back up before anything else:\n"
                      "systemctl stop k3s && cp -a /var/lib/rancher/k3s/server/db <backup> && systemctl start k3s"]
        elif store.is_etcd and not profile.hidden:
            backup = profile.fix(profiles.ETCD_BACKUP)
            restore = profile.fix(profiles.ETCD_RESTORE)
            extra += [f"# back up before anything else:\n{backup}"] if backup else []
            extra += [restore] if restore else []
    if component == "kubelet":
        extra.append(profile.log_command("kubelet") or "journalctl -u kubelet --since '15 min ago'   # on the node")
    if component == "container-runtime" and profile.log_command("container-runtime"):
        extra.append(str(profile.log_command("container-runtime")))
    if component == "kube-proxy":
        extra += _service_proxy_commands(cluster)
    if component == "dns":
        extra += _dns_commands(cluster)
    if component == "cni":
        extra.append(profile.cni_config)
    if component == "cloud-controller-manager" and profile.ccm_pods:
        extra.append(profile.ccm_pods)
    if component == "cni" and profile.name == "k3s":  # its flannel is embedded unless --flannel-backend=none
        extra.append(_node_args_command(profile.name))
    return (*page.commands, *extra)


def _dns_commands(cluster: ClusterMap) -> list[str]:
    """The distribution's DNS commands, reading the ConfigMap of the server that runs: kube-dns (GKE's default)
    reads ConfigMap kube-dns (stubDomains, upstreamNameservers), not CoreDNS's Corefile in ConfigMap coredns."""
    commands = list(cluster.profile.dns_commands)
    if cluster.facts.dns.kind == "kube-dns":
        commands = [c.replace("get cm coredns ", "get cm kube-dns ") for c in commands]
    return commands


def _node_args_command(distribution: str) -> str:
    """Each node's recorded k3s or RKE2 arguments (the annotation that says its kube-proxy and flannel settings)."""
    annotation = "rke2\\.io/node-args" if distribution == "rke2" else "k3s\\.io/node-args"
    return (f"kubectl get nodes -o jsonpath='{{range .items[*]}}{{.metadata.name}}: "
            f"{{.metadata.annotations.{annotation}}}{{\"\\n\"}}{{end}}'")


def _control_plane_commands(component: str, cluster: ClusterMap) -> list[str]:
    profile, facts = cluster.profile, cluster.facts
    out: list[str] = []
    election = facts.leader_election.get(component)
    if election is not None and election.settings.enabled:
        kind = "cm" if election.settings.lock == "configmaps" else "lease"
        out.append(f"kubectl -n {election.settings.namespace} get {kind} {election.settings.name} -o yaml")
    runs = facts.components[component].runs
    if profile.name == "openshift":
        out.append(f"oc -n {_OPENSHIFT_NAMESPACES[component]} get pods -o wide")
    elif runs == "pods":
        out.append(f"kubectl -n kube-system get pods -l {_POD_SELECTORS[component]} -o wide")
    logs = profile.log_command(component)
    if logs and (runs != "none" or profile.hidden):
        out.append(logs)
    if component == "kube-apiserver" and runs == "pods" and profile.name in ("kubeadm", "rke2", "minikube"):
        out.append("crictl ps --name kube-apiserver   # on a control-plane node")
    if component == "kube-apiserver" and runs == "pods" and profile.name == "kind":
        out.append("docker exec <node> crictl ps --name kube-apiserver")
    return out


def _service_proxy_commands(cluster: ClusterMap) -> list[str]:
    proxy = cluster.kube_proxy
    if proxy.mode == "replaced":
        if proxy.source == "cilium-config":
            return ["kubectl -n kube-system exec ds/cilium -- cilium-dbg status --verbose | grep -A4 "
                    "KubeProxyReplacement", "kubectl -n kube-system exec ds/cilium -- cilium-dbg service list"]
        if proxy.source == "anetd":
            return ["kubectl -n kube-system get ds anetd",
                    "kubectl -n kube-system exec ds/anetd -- cilium service list"]
        if proxy.source == "sdn":  # openshift-sdn
            return ["oc -n openshift-sdn get pods -o wide", "oc get network.operator cluster -o yaml"]
        return ["oc -n openshift-ovn-kubernetes get pods -o wide", "oc get network.operator cluster -o yaml"]
    out: list[str] = []
    if proxy.source == "node-args":
        out.append(_node_args_command(cluster.profile.name))
    if proxy.daemonset is not None:
        out.append(f"kubectl -n {proxy.daemonset.namespace} get ds {proxy.daemonset.name}")
    elif proxy.static_pods:  # static pods kube-proxy-<node> (GKE without Dataplane V2, RKE2): no k8s-app label
        out.append("kubectl -n kube-system get pods -o wide | grep '^kube-proxy-'")
    elif proxy.mode not in ("absent", "unknown") and proxy.source != "node-args":
        out.append("kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide")
    if proxy.source == "configmap":
        if "kube-proxy-config" in proxy.detail:
            out.append("kubectl -n kube-system get cm kube-proxy-config -o jsonpath='{.data.config}'")
        else:
            out.append("kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\\.conf}'")
    if proxy.mode in ("iptables", "ipvs", "nftables"):
        out.append("curl -s http://127.0.0.1:10249/proxyMode   # on a node")
    node_rules = {"iptables": "iptables-save | grep KUBE-SVC | head   # on a node",
                  "nftables": "nft list table ip kube-proxy | head   # on a node",
                  "ipvs": "ipvsadm -Ln | head   # on a node"}
    if proxy.mode in node_rules:
        out.append(node_rules[proxy.mode])
    return out
