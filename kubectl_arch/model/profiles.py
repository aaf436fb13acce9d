"""Distribution profiles as data: where each distribution runs its control plane and keeps its PKI, how
its logs are read, what routes Services, what backs the API, and the commands that fix things there.

Every fix, page, walkthrough step and what-if line that names a command or a path takes it from the
detected profile, so a k3s user is never told to run ``kubeadm`` and an EKS user never gets ``crictl``
on a control-plane node they cannot reach. One place, reviewed as a table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

# Where the control plane runs.
STATIC_PODS = "static-pods"  # kubelet-run static pods, mirrored in the API (kubeadm, kind, minikube, RKE2, OpenShift)
EMBEDDED = "embedded"  # inside one server process per control-plane node (k3s)
HIDDEN = "hidden"  # run by a provider, invisible through the API (EKS, GKE, AKS)

GIB = 1024**3
KUBEADM_CERTS_DOC = "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/"
KUBEADM_HA_DOC = "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/"
KUBEADM_UPGRADE_DOC = "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade/"
KUBEADM_NODE_UPGRADE_DOC = "https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/upgrading-linux-nodes/"
# k3s: CAs valid 10 years and never renewed by k3s; leaves 365 days, renewed at start within 90 days of expiry.
K3S_CERTS_DOC = "https://docs.k3s.io/advanced#certificate-management"
K3S_UPGRADE_DOC = "https://docs.k3s.io/upgrades/manual"  # servers first, one at a time, then agents
RKE2_CERTS_DOC = "https://docs.rke2.io/security/certificates"
RKE2_UPGRADE_DOC = "https://docs.rke2.io/upgrades/manual"  # servers first, one at a time, then agents
MINIKUBE_START_DOC = "https://minikube.sigs.k8s.io/docs/commands/start/"  # --cert-expiration, --kubernetes-version
MINIKUBE_HA_DOC = "https://minikube.sigs.k8s.io/docs/tutorials/multi_control_plane_ha_clusters/"
OPENSHIFT_CONTROL_PLANE_DOC = "https://docs.openshift.com/container-platform/4.16/architecture/control-plane.html"
# The operator's rotation controller: serving certificates Validity 30 days, Refresh 15 days.
OPENSHIFT_CERT_ROTATION_SOURCE = ("https://github.com/openshift/cluster-kube-apiserver-operator/blob/master/pkg/operator/"
                                  "certrotationcontroller/certrotationcontroller.go")
# When library-go's certrotation replaces a certificate: at Refresh, Refresh/10 after a new signer, at 80% of its life.
OPENSHIFT_ROTATION_TIMING_SOURCE = "https://github.com/openshift/library-go/blob/master/pkg/operator/certrotation/target.go"
OPENSHIFT_CONTROL_PLANE_CERTS_DOC = ("https://docs.openshift.com/container-platform/4.16/security/"
                                     "certificate_types_descriptions/control-plane-certificates.html")
# k3s and RKE2 renew their certificates at start within 90 days of expiry, 120 days from the May 2025 releases
# (docs.rke2.io/security/certificates; k3s-io/k3s#12171 and its backports to 1.30-1.33).
_WINDOW = "within 90 days of expiry (120 days from the May 2025 releases: v1.33.1, v1.32.5, v1.31.9, v1.30.13)"
K3S_SERVING_CERTIFICATES = ("k3s issues these certificates for one year and renews any that has expired or is "
                            f"{_WINDOW} each time k3s starts: a server left running for a year without a restart "
                            "lets them expire.")
RKE2_SERVING_CERTIFICATES = ("RKE2 issues these certificates for one year and renews any that has expired or is "
                             f"{_WINDOW} each time rke2-server starts: a server left running for a year without a "
                             "restart lets them expire.")
# kubeadm's page on kubelet serving certificates (serverTLSBootstrap): kube-controller-manager does not approve
# kubernetes.io/kubelet-serving requests; a user or a third-party controller must.
KUBEADM_KUBELET_SERVING_DOC = ("https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/"
                               "#kubelet-serving-certs")
# The controller manager signs kubelet certificates for --cluster-signing-duration (default 8760h, one year).
KCM_FLAGS_DOC = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/"
UPSTREAM_KUBELET_CERTIFICATES = (
    "{who} signs them for its --cluster-signing-duration (one year unless set) and, when RBAC "
    "grants the node that permission, approves client requests (signer kubernetes.io/kube-apiserver-client-kubelet) "
    "automatically; serving requests (kubernetes.io/kubelet-serving, with the kubelet's serverTLSBootstrap) it never "
    "approves: they wait for a person (`kubectl certificate approve`) or an approver installed in the cluster (such "
    "as kubelet-csr-approver){installs}.")
# k3s (and RKE2, built on its code) issues each kubelet's client and serving certificates from the server's own
# supervisor endpoints (/v1-k3s/serving-kubelet.crt, /v1-k3s/client-kubelet.crt), not through CSRs.
K3S_KUBELET_CERTIFICATES_SOURCE = "https://github.com/k3s-io/k3s/blob/master/pkg/server/handlers/router.go"
# OpenShift's cluster-machine-approver approves kubelet client and serving CSRs after install, for nodes it can
# match to a Machine (its README: client requests need a Machine whose NodeInternalDNS names the node; serving
# requests a Machine whose addresses match every name in the request).
OPENSHIFT_MACHINE_APPROVER = "https://github.com/openshift/cluster-machine-approver"
ETCD_DEFAULT_QUOTA = 2 * GIB
ETCD_LIMITS_DOC = "https://etcd.io/docs/v3.5/dev-guide/limit/"

# Fix actions a profile answers (keys of Profile.fixes); a missing key means "nothing to run here".
ADD_CONTROL_PLANE = "add-control-plane-node"
CHECK_CERTS = "check-certificates"
RENEW_CERTS = "renew-certificates"
ETCDCTL = "etcdctl"  # a prefix that runs etcdctl against this cluster's etcd, with its certificates
ETCD_BACKUP = "etcd-backup"
ETCD_RESTORE = "etcd-restore"
ETCD_DEFRAG = "etcd-defrag"  # defragments the one member the command reaches (never every member at once)
# Raising etcd's database quota where the data is legitimately large; absent: the flag on every member (kubeadm).
RAISE_ETCD_QUOTA = "raise-etcd-quota"
UPGRADE_KUBELET = "upgrade-kubelet"
UPGRADE_CONTROL_PLANE = "upgrade-control-plane"
RESTART_CONTROL_PLANE = "restart-control-plane"
# Finishing an update left half done, where the distribution rolls components out itself (no per-component step).
FINISH_UPGRADE = "finish-upgrade"
INSTALL_KUBE_PROXY = "install-kube-proxy"
CONFIGURE_KUBE_PROXY = "configure-kube-proxy"
RENEW_ADMIN_KUBECONFIG = "renew-admin-kubeconfig"
# Where a provider that publishes no etcd size limit says how close the database is to it.
ETCD_USAGE = "etcd-usage"
APPROVE_KUBELET_CSRS = "approve-kubelet-csrs"  # what to do about a kubelet certificate request left waiting


COMMENT = "   # "  # how a profile's command carries its note: always last, never before more of the command


def split_comment(command: str) -> tuple[str, str]:
    """A profile command's code and its trailing note ("" without one)."""
    code, _, comment = command.partition(COMMENT)
    return code.rstrip(), comment.strip()


def code_span(command: str) -> str:
    """A profile command as a sentence prints it: its code in backticks and its note after, in parentheses, so a
    reader copying the code never copies the note (nor has a backtick in the note end the code early)."""
    code, note = split_comment(command)
    return f"`{code}`" + (f" ({note})" if note else "")


@dataclass(frozen=True)
class Quota:
    """The etcd (or provider) database limit a profile documents: bytes, and the page that says so."""

    bytes: int | None
    source: str  # the reference (URL) that documents it
    what: str = "etcd's default"  # how a message names it


@dataclass(frozen=True)
class Rotation:
    """Certificates a distribution issues and replaces on its own schedule: how long they live, how many days are
    left when they are replaced, and how far past that point a replacement may still be on time. Such a
    certificate is a problem only once its replacement is overdue, not 30 days before it expires."""

    by: str  # who replaces them, as a message names it
    lifetime_days: float
    replaced_at_days_left: float
    slack_days: float
    issuer_marker: str  # in the issuer's name of every certificate it issues (its signers)
    overdue: str  # what an overdue replacement means there and where to look

    @property
    def warn_days(self) -> float:
        """Days left below which the replacement is overdue, slack included."""
        return self.replaced_at_days_left - self.slack_days


@dataclass(frozen=True)
class Profile:
    """One distribution as data. Commands are shell lines an operator can type on that distribution."""

    name: str
    title: str
    control_plane: str  # STATIC_PODS, EMBEDDED or HIDDEN
    control_plane_namespaces: tuple[str, ...]
    pki_dir: str | None  # where the control plane's certificate files live on a control-plane node
    kubeconfig_certs: tuple[str, ...]  # kubeconfig files with embedded client certificates (checked like PKI)
    datastore: str  # the datastore this distribution uses unless the cluster shows otherwise
    quota: Quota
    logs: Mapping[str, str]  # component -> how to read its log here
    service_proxy: str  # what routes Service IPs by default
    fixes: Mapping[str, str] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    # Who issues the API server's serving certificates, for how long, and what renews them (a sentence), with
    # the pages that say so: what a certificate finding teaches on this distribution.
    serving_certificates: str = "How long these certificates last and what renews them depends on the distribution."
    certificate_references: tuple[str, ...] = ()
    # How the distribution replaces the API server's serving certificates on its own, if it does.
    serving_rotation: Rotation | None = None
    # The files of the control plane's PKI (pki-expiry): who issues them, for how long, what renews them.
    pki_certificates: str = "How long these certificates last and what renews them depends on the distribution."
    # The pages that document a fix action (keys of ``fixes``) on this distribution: what a finding links
    # instead of kubeadm's page for the same task. A missing key means no page of the distribution's own.
    pages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # How the kubelets get and renew their certificates here, who approves their CertificateSigningRequests (a
    # sentence), and the pages that say so: what kubelet-certificate-rotation teaches on this distribution.
    kubelet_certificates: str = ("Who signs the kubelets' certificates, for how long, and what approves their "
                                 "requests depends on the distribution.")
    kubelet_certificate_references: tuple[str, ...] = ()
    # What finding no CNI DaemonSet means here, where the default CNI runs without one ("" where it cannot).
    cni_without_daemonset: str = ""
    # The Service pods resolve names through (how a sentence names it) and the commands that look at cluster DNS
    # there: kube-system's kube-dns Service and CoreDNS Deployment unless the distribution runs its own.
    dns_service: str = "kube-dns"
    dns_commands: tuple[str, ...] = ("kubectl -n kube-system get deploy,pods -l k8s-app=kube-dns -o wide",
                                     "kubectl -n kube-system get cm coredns -o yaml")
    # What keeps cluster DNS up where the reader decides its placement (a sentence of the DNS page).
    dns_redundancy: str = "Run at least two replicas on different nodes."
    # The workload cluster DNS runs as ("no {dns_workload}" when none is found), and, where the distribution's own
    # operator runs it, what says why it is missing (else the reader may run DNS under another name).
    dns_workload: str = "CoreDNS or kube-dns Deployment in kube-system"
    dns_missing: str = ""
    # Where to look for cloud controller manager pods; empty where the provider runs it out of sight (EKS, GKE, AKS).
    ccm_pods: str = "kubectl -n kube-system get pods -o wide | grep cloud-controller-manager"
    # How to list the CNI configuration the node's runtime reads (its CNI conf dir, /etc/cni/net.d by default).
    cni_config: str = "ls /etc/cni/net.d/   # on a node"
    # Whether the control plane's certificates are renewed on each control-plane node by a command of the reader's
    # (False: OpenShift's operators rotate them, minikube recreates the cluster), so per-node renewal and rotating
    # CAs by hand are taught only where they are the way.
    renewal_per_node: bool = True
    # How the kubelet's own configuration is set where the distribution manages it (a sentence of the kubelet
    # page; "" where the reader configures the kubelet on the node).
    kubelet_config: str = ""
    # How to bring the PKI files to a machine that runs this tool, where a control-plane node cannot ("" where it
    # can: run there with --pki-dir).
    pki_copy: str = ""
    # Where the documented quota changed between releases: (first Kubernetes minor, quota), ascending; ``quota``
    # then stands for "which one depends on the release" and ``quota_for`` picks by the cluster's version.
    quotas_by_minor: tuple[tuple[int, Quota], ...] = ()
    # Fixes whose way differed on older releases of the distribution (OpenShift's, from its ClusterVersion): (last
    # release as (major, minor), those fixes), ascending; and the wording that holds on every release, for a
    # cluster whose release was not read. ``fix_at`` picks.
    fixes_through_release: tuple[tuple[tuple[int, int], Mapping[str, str]], ...] = ()
    fixes_release_unknown: Mapping[str, str] = field(default_factory=dict)

    def quota_for(self, kube_minor: int | None) -> Quota:
        """The documented quota on a cluster of Kubernetes 1.``kube_minor`` (None: the version was not read)."""
        if not self.quotas_by_minor:
            return self.quota
        if kube_minor is None:
            return Quota(None, f"{self.quota.source}; the cluster's version, which decides which, could not be read",
                         self.quota.what)
        chosen = [quota for first, quota in self.quotas_by_minor if first <= kube_minor]
        return chosen[-1] if chosen else Quota(None, f"{self.quota.source}; none is documented here for "
                                                     f"Kubernetes 1.{kube_minor}", self.quota.what)

    def fix(self, action: str) -> str | None:
        return self.fixes.get(action)

    def fix_at(self, action: str, release: str | None) -> str | None:
        """The fix as it is on ``release`` (None: not read), where the way changed between releases: a sentence
        true for this cluster, or one true for every release when which one is unknown."""
        if not self.fixes_through_release:
            return self.fix(action)
        found = re.match(r"(\d+)\.(\d+)", release or "")
        if found is None:
            return self.fixes_release_unknown.get(action) or self.fix(action)
        major_minor = (int(found[1]), int(found[2]))
        for through, fixes in self.fixes_through_release:
            if major_minor <= through and action in fixes:
                return fixes[action]
        return self.fix(action)

    def pages_for(self, action: str) -> tuple[str, ...]:
        """The distribution's own pages on a fix action (empty when it has none)."""
        return self.pages.get(action, ())

    def etcdctl(self, subcommand: str) -> str | None:
        """``etcdctl SUBCOMMAND`` as this distribution runs it (its prefix and certificates), its note kept
        last: a subcommand appended after the note would be commented out. None without an etcdctl here."""
        prefix = self.fix(ETCDCTL)
        if not prefix:
            return None
        code, comment = split_comment(prefix)
        return f"{code} {subcommand}" + (COMMENT + comment if comment else "")

    def log_command(self, component: str) -> str | None:
        return self.logs.get(component)

    @property
    def hidden(self) -> bool:
        return self.control_plane == HIDDEN

    def static_pods_use(self) -> str:
        """What the kubelet's static pods have to do with the control plane here, to end the sentence "It also runs
        static pods from files": the kubelet starts it on static-pod distributions, not on k3s or a provider's."""
        if self.control_plane == EMBEDDED:
            return f"; {self.title} runs its control plane inside its own process instead, the one that is also the " \
                   "kubelet"
        if self.control_plane == HIDDEN:
            return f"; {self.title} runs the control plane out of sight, on machines it manages"
        if self.name == "unknown":
            return ", which is how kubeadm and others start the control plane itself"
        return f", which is how {self.title} runs the control plane itself"


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


def _frozen_pages(mapping: dict[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(mapping)


_KUBEADM_ETCDCTL = ("kubectl -n kube-system exec etcd-<node> -- etcdctl --endpoints=https://127.0.0.1:2379 "
                    "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt "
                    "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key")
_KUBEADM_DEFRAG = _KUBEADM_ETCDCTL + " defrag   # that node's member only: each control-plane node in turn"
_STATIC_POD_LOGS = {c: f"kubectl -n kube-system logs {c}-<node>"
                    for c in ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager")}
_KUBELET_JOURNAL = "journalctl -u kubelet --since '15 min ago'   # on the node"

KUBEADM = Profile(
    name="kubeadm", title="kubeadm", control_plane=STATIC_PODS, control_plane_namespaces=("kube-system",),
    pki_dir="/etc/kubernetes/pki",
    kubeconfig_certs=("/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf",
                      "/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/scheduler.conf"),
    datastore="stacked-etcd", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({**_STATIC_POD_LOGS, "kubelet": _KUBELET_JOURNAL,
                  "container-runtime": "journalctl -u containerd --since '15 min ago'   # on the node"}),
    service_proxy="kube-proxy DaemonSet configured by ConfigMap kube-system/kube-proxy",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "`kubeadm join <endpoint> --control-plane --token <token> --discovery-token-ca-cert-hash "
                           "<hash> --certificate-key <key>` on each new node",
        CHECK_CERTS: "kubeadm certs check-expiration   # on a control-plane node",
        RENEW_CERTS: "kubeadm certs renew all, then restart the control-plane static pods (move each manifest "
                     "out of /etc/kubernetes/manifests and back)",
        ETCDCTL: _KUBEADM_ETCDCTL,
        ETCD_BACKUP: _KUBEADM_ETCDCTL + " snapshot save /var/lib/etcd/snapshot.db   # lands on that node's "
                     "/var/lib/etcd; copy it off the node",
        ETCD_RESTORE: "etcdutl snapshot restore snapshot.db --data-dir <new-dir>   # on each member, etcd stopped",
        ETCD_DEFRAG: _KUBEADM_DEFRAG,
        UPGRADE_KUBELET: "drain the node, upgrade the kubeadm and kubelet packages, `kubeadm upgrade node`, "
                         "restart the kubelet, uncordon",
        UPGRADE_CONTROL_PLANE: "`kubeadm upgrade plan`, `kubeadm upgrade apply v1.X.Y` on the first control-plane "
                               "node, `kubeadm upgrade node` on the others",
        RESTART_CONTROL_PLANE: "move the component's manifest out of /etc/kubernetes/manifests and back",
        INSTALL_KUBE_PROXY: "kubeadm init phase addon kube-proxy   # on a control-plane node",
        CONFIGURE_KUBE_PROXY: "set `mode:` in ConfigMap kube-system/kube-proxy (config.conf), then "
                              "`kubectl -n kube-system rollout restart ds/kube-proxy`",
        RENEW_ADMIN_KUBECONFIG: "`kubeadm certs renew admin.conf` on a control-plane node, then copy "
                                "/etc/kubernetes/admin.conf again",
    }),
    serving_certificates="kubeadm issues these certificates for one year and renews them only on a control-plane "
                         "upgrade (or with `kubeadm certs renew`).",
    certificate_references=(KUBEADM_CERTS_DOC,),
    pki_certificates="kubeadm keeps them under /etc/kubernetes/pki, with the client certificates embedded in "
                     "admin.conf, super-admin.conf, controller-manager.conf and scheduler.conf beside it (kubelet.conf "
                     "points at the kubelet's rotating certificate instead); it issues the leaves for one year and the "
                     "CAs for ten.",
    pages=_frozen_pages({ADD_CONTROL_PLANE: (KUBEADM_HA_DOC,), UPGRADE_CONTROL_PLANE: (KUBEADM_UPGRADE_DOC,),
                         UPGRADE_KUBELET: (KUBEADM_NODE_UPGRADE_DOC,), CHECK_CERTS: (KUBEADM_CERTS_DOC,),
                         RENEW_ADMIN_KUBECONFIG: (KUBEADM_CERTS_DOC,)}),
    kubelet_certificates=UPSTREAM_KUBELET_CERTIFICATES.format(who="On kubeadm the controller manager",
                                                              installs=", which kubeadm does not install"),
    kubelet_certificate_references=(KUBEADM_KUBELET_SERVING_DOC, KCM_FLAGS_DOC),
    references=(KUBEADM_HA_DOC, KUBEADM_CERTS_DOC),
)

KIND = Profile(
    name="kind", title="kind", control_plane=STATIC_PODS, control_plane_namespaces=("kube-system",),
    pki_dir="/etc/kubernetes/pki", kubeconfig_certs=KUBEADM.kubeconfig_certs,
    datastore="stacked-etcd", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({**_STATIC_POD_LOGS, "kubelet": "docker exec <node> journalctl -u kubelet --since '15 min ago'",
                  "container-runtime": "docker exec <node> journalctl -u containerd --since '15 min ago'"}),
    service_proxy="kube-proxy DaemonSet (kind's networking.kubeProxyMode)",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "kind cannot add nodes to a running cluster: recreate it with three `role: control-plane` "
                           "nodes in its config (`kind create cluster --config ha.yaml`)",
        CHECK_CERTS: "docker exec <node> kubeadm certs check-expiration",
        RENEW_CERTS: "docker exec <node> kubeadm certs renew all, then restart the node (`docker restart <node>`)",
        ETCDCTL: _KUBEADM_ETCDCTL,
        ETCD_BACKUP: _KUBEADM_ETCDCTL + " snapshot save /var/lib/etcd/snapshot.db",
        ETCD_RESTORE: "kind delete cluster --name <cluster> && kind create cluster --name <cluster> --config <config>"
                      "   # kind clusters are disposable: recreate it, then re-apply your manifests",
        ETCD_DEFRAG: _KUBEADM_DEFRAG,
        UPGRADE_KUBELET: "recreate the cluster with a newer node image "
                         "(`kind create cluster --image kindest/node:v1.X.Y`)",
        UPGRADE_CONTROL_PLANE: "recreate the cluster with a newer node image",
        RESTART_CONTROL_PLANE: "docker exec <node> mv /etc/kubernetes/manifests/<component>.yaml /tmp/, then back",
        INSTALL_KUBE_PROXY: "recreate the cluster without `kubeProxyMode: none` in its config",
        CONFIGURE_KUBE_PROXY: "set `networking.kubeProxyMode` in the kind config and recreate the cluster",
        RENEW_ADMIN_KUBECONFIG: "`docker exec <node> kubeadm certs renew admin.conf`, then `kind export kubeconfig`",
    }),
    serving_certificates="kind builds its nodes with kubeadm, which issues these certificates for one year and "
                         "renews them only on a control-plane upgrade.",
    certificate_references=(KUBEADM_CERTS_DOC,),
    kubelet_certificates=UPSTREAM_KUBELET_CERTIFICATES.format(who="On kind (built with kubeadm) the "
                                                                  "controller manager",
                                                              installs=", which kind does not install"),
    kubelet_certificate_references=(KUBEADM_KUBELET_SERVING_DOC, KCM_FLAGS_DOC),
    references=("https://kind.sigs.k8s.io/docs/user/configuration/",),
    # kind's node image (images/base/Dockerfile) installs curl and no Python: this tool does not run in a node.
    pki_copy="kind's nodes are containers that cannot run this tool: copy the files out "
             "(`docker cp <node>:/etc/kubernetes/pki ./<node>-pki`, which copies the private keys too: delete the "
             "copy afterwards) and pass --pki-dir ./<node>-pki",
)

_K3S_ETCDCTL = ("etcdctl --endpoints=https://127.0.0.1:2379 "
               "--cacert=/var/lib/rancher/k3s/server/tls/etcd/server-ca.crt "
               "--cert=/var/lib/rancher/k3s/server/tls/etcd/client.crt "
               "--key=/var/lib/rancher/k3s/server/tls/etcd/client.key")

K3S = Profile(
    name="k3s", title="k3s", control_plane=EMBEDDED, control_plane_namespaces=(),
    pki_dir="/var/lib/rancher/k3s/server/tls", kubeconfig_certs=("/etc/rancher/k3s/k3s.yaml",),
    datastore="kine-sqlite", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({c: "journalctl -u k3s --since '15 min ago'   # on a server node"
                  for c in ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "kube-proxy")}
                 | {"kubelet": "journalctl -u k3s-agent --since '15 min ago'   # on an agent (k3s on a server)",
                    "container-runtime": "tail /var/lib/rancher/k3s/agent/containerd/containerd.log   # on the node"}),
    service_proxy="kube-proxy embedded in the k3s process (settings from --kube-proxy-arg, in k3s.io/node-args)",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "run three servers with embedded etcd: start the first with `--cluster-init`, join the "
                           "others with `curl -sfL https://get.k3s.io | K3S_TOKEN=<token> sh -s - server --server "
                           "https://<first-server>:6443`",
        CHECK_CERTS: "k3s certificate check   # on a server (recent k3s releases; older ones: read the files "
                     "under /var/lib/rancher/k3s/server/tls)",
        RENEW_CERTS: "restart k3s (`systemctl restart k3s`): at start it renews certificates within 90 days of "
                     "expiry (120 from the May 2025 releases); or `k3s certificate rotate` with k3s stopped",
        ETCDCTL: _K3S_ETCDCTL + "   # on a server; k3s ships no etcdctl",
        ETCD_DEFRAG: _K3S_ETCDCTL + " defrag   # that server's member only: each server in turn; k3s ships no "
                                    "etcdctl",
        ETCD_BACKUP: "k3s etcd-snapshot save   # on a server, embedded etcd",
        ETCD_RESTORE: "k3s server --cluster-reset --cluster-reset-restore-path=<snapshot>   # embedded etcd",
        UPGRADE_KUBELET: "upgrade k3s on the node (re-run the install script with INSTALL_K3S_VERSION, or the "
                         "system-upgrade-controller), servers first",
        UPGRADE_CONTROL_PLANE: "upgrade k3s on each server, one at a time (INSTALL_K3S_VERSION or the "
                               "system-upgrade-controller)",
        RESTART_CONTROL_PLANE: "systemctl restart k3s   # on the server",
        INSTALL_KUBE_PROXY: "start the servers without --disable-kube-proxy",
        CONFIGURE_KUBE_PROXY: "start each node with `--kube-proxy-arg proxy-mode=<mode>` (config.yaml: "
                              "kube-proxy-arg) and restart k3s",
        APPROVE_KUBELET_CSRS: "see who made each waiting request (`kubectl get csr <name> -o yaml`: spec.username): "
                              "k3s's agents take their kubelet certificates from a server when they start, not "
                              "through these requests; approve one (`kubectl certificate approve <name>`) only "
                              "after checking the node and the names it asks for, and deny what you do not "
                              "recognise (`kubectl certificate deny <name>`)",
        RENEW_ADMIN_KUBECONFIG: "restart k3s on a server (`systemctl restart k3s`) and copy "
                                "/etc/rancher/k3s/k3s.yaml again",
    }),
    # basic-network-options: flannel is embedded unless a server runs with --flannel-backend=none
    serving_certificates=K3S_SERVING_CERTIFICATES,
    certificate_references=("https://docs.k3s.io/cli/certificate", "https://github.com/k3s-io/k3s/issues/12171"),
    pki_certificates="k3s keeps them under /var/lib/rancher/k3s/server/tls on each server, with the client "
                     "certificate of its admin kubeconfig /etc/rancher/k3s/k3s.yaml; it issues the leaves for one "
                     f"year, renewing any that has expired or is {_WINDOW} each time k3s starts, and its CAs for ten "
                     "years, which it never renews by itself (`k3s certificate rotate-ca`).",
    pages=_frozen_pages({ADD_CONTROL_PLANE: ("https://docs.k3s.io/datastore/ha-embedded",),
                         UPGRADE_CONTROL_PLANE: (K3S_UPGRADE_DOC,), UPGRADE_KUBELET: (K3S_UPGRADE_DOC,),
                         CHECK_CERTS: ("https://docs.k3s.io/cli/certificate", K3S_CERTS_DOC),
                         RENEW_ADMIN_KUBECONFIG: ("https://docs.k3s.io/cli/certificate",)}),
    kubelet_certificates="k3s issues each kubelet's client and serving certificates from the server's own "
                         "supervisor when the agent starts (its /v1-k3s/client-kubelet.crt and serving-kubelet.crt "
                         "endpoints), not through CertificateSigningRequests: a kubelet request waiting here was "
                         "not made by k3s's own certificate handling, so check who made it before approving it.",
    kubelet_certificate_references=(K3S_KUBELET_CERTIFICATES_SOURCE, K3S_CERTS_DOC),
    references=("https://docs.k3s.io/datastore", "https://docs.k3s.io/cli/certificate",
                "https://docs.k3s.io/datastore/backup-restore", "https://docs.k3s.io/networking/basic-network-options"),
    # k3s's containerd reads conf_dir /var/lib/rancher/k3s/agent/etc/cni/net.d (its generated config.toml).
    cni_config="ls /var/lib/rancher/k3s/agent/etc/cni/net.d/   # on a node",
)

_RKE2_ETCDCTL = ("kubectl -n kube-system exec etcd-<node> -- etcdctl --endpoints=https://127.0.0.1:2379 "
                 "--cacert=/var/lib/rancher/rke2/server/tls/etcd/server-ca.crt "
                 "--cert=/var/lib/rancher/rke2/server/tls/etcd/server-client.crt "
                 "--key=/var/lib/rancher/rke2/server/tls/etcd/server-client.key")

RKE2 = Profile(
    name="rke2", title="RKE2", control_plane=STATIC_PODS, control_plane_namespaces=("kube-system",),
    pki_dir="/var/lib/rancher/rke2/server/tls", kubeconfig_certs=("/etc/rancher/rke2/rke2.yaml",),
    datastore="stacked-etcd", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({**_STATIC_POD_LOGS, "kube-proxy": "kubectl -n kube-system logs kube-proxy-<node>",
                  "kubelet": "tail /var/lib/rancher/rke2/agent/logs/kubelet.log   # on the node",
                  "container-runtime": "tail /var/lib/rancher/rke2/agent/containerd/containerd.log   # on the node"}),
    service_proxy="kube-proxy static pods (settings from kube-proxy-arg, in rke2.io/node-args)",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "install rke2-server on two more nodes with `server: https://<first-server>:9345` and "
                           "the cluster token in /etc/rancher/rke2/config.yaml",
        CHECK_CERTS: "rke2 certificate check   # on a server (recent RKE2; older: read "
                     "/var/lib/rancher/rke2/server/tls)",
        RENEW_CERTS: "restart rke2-server (`systemctl restart rke2-server`): it renews certificates near expiry "
                     "at start; or `rke2 certificate rotate` with it stopped",
        ETCDCTL: _RKE2_ETCDCTL,
        ETCD_DEFRAG: _RKE2_ETCDCTL + " defrag   # that node's member only: each server in turn",
        ETCD_BACKUP: "rke2 etcd-snapshot save   # on a server",
        ETCD_RESTORE: "rke2 server --cluster-reset --cluster-reset-restore-path=<snapshot>",
        UPGRADE_KUBELET: "upgrade RKE2 on the node (install script with INSTALL_RKE2_VERSION, or the "
                         "system-upgrade-controller), servers first",
        UPGRADE_CONTROL_PLANE: "upgrade RKE2 on each server, one at a time",
        RESTART_CONTROL_PLANE: "systemctl restart rke2-server   # on the server",
        INSTALL_KUBE_PROXY: "start the servers without `disable-kube-proxy`",
        APPROVE_KUBELET_CSRS: "see who made each waiting request (`kubectl get csr <name> -o yaml`: spec.username): "
                              "RKE2's agents take their kubelet certificates from a server when they start, not "
                              "through these requests; approve one (`kubectl certificate approve <name>`) only "
                              "after checking the node and the names it asks for, and deny what you do not "
                              "recognise (`kubectl certificate deny <name>`)",
        CONFIGURE_KUBE_PROXY: "set `kube-proxy-arg: [proxy-mode=<mode>]` in /etc/rancher/rke2/config.yaml and "
                              "restart rke2",
    }),
    # basic_network_options: RKE2 embeds no CNI; canal (the rke2-canal DaemonSet) is its default chart
    serving_certificates=RKE2_SERVING_CERTIFICATES,
    certificate_references=(RKE2_CERTS_DOC,),
    pki_certificates="RKE2 keeps them under /var/lib/rancher/rke2/server/tls on each server, with the client "
                     "certificate of its admin kubeconfig /etc/rancher/rke2/rke2.yaml; it issues the leaves for one "
                     f"year and renews any that has expired or is {_WINDOW} each time rke2-server starts.",
    pages=_frozen_pages({ADD_CONTROL_PLANE: ("https://docs.rke2.io/install/ha",),
                         UPGRADE_CONTROL_PLANE: (RKE2_UPGRADE_DOC,), UPGRADE_KUBELET: (RKE2_UPGRADE_DOC,),
                         CHECK_CERTS: (RKE2_CERTS_DOC,), RENEW_ADMIN_KUBECONFIG: (RKE2_CERTS_DOC,)}),
    kubelet_certificates="RKE2, built on k3s's code, issues each kubelet's client and serving certificates from "
                         "the server's own supervisor when the agent starts (its /v1-rke2/client-kubelet.crt and "
                         "serving-kubelet.crt endpoints), not through CertificateSigningRequests: a kubelet request "
                         "waiting here was not made by RKE2's own certificate handling, so check who made it before "
                         "approving it.",
    kubelet_certificate_references=(K3S_KUBELET_CERTIFICATES_SOURCE, RKE2_CERTS_DOC),
    references=("https://docs.rke2.io/install/ha", "https://docs.rke2.io/datastore/backup_restore",
                "https://docs.rke2.io/networking/basic_network_options"),
)

_MINIKUBE_ETCDCTL = ("kubectl -n kube-system exec etcd-<node> -- etcdctl --endpoints=https://127.0.0.1:2379 "
                     "--cacert=/var/lib/minikube/certs/etcd/ca.crt "
                     "--cert=/var/lib/minikube/certs/etcd/healthcheck-client.crt "
                     "--key=/var/lib/minikube/certs/etcd/healthcheck-client.key")

MINIKUBE = Profile(
    name="minikube", title="minikube", control_plane=STATIC_PODS, control_plane_namespaces=("kube-system",),
    renewal_per_node=False,
    pki_dir="/var/lib/minikube/certs", kubeconfig_certs=(),
    datastore="stacked-etcd", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({**_STATIC_POD_LOGS, "kubelet": "minikube ssh -- sudo journalctl -u kubelet --since '15 min ago'",
                  "container-runtime": "minikube logs"}),
    service_proxy="kube-proxy DaemonSet configured by ConfigMap kube-system/kube-proxy",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "minikube is a development cluster: for a highly available one start it with "
                           "`minikube start --ha` (three control-plane nodes, minikube 1.32+)",
        CHECK_CERTS: "minikube ssh -- sudo openssl x509 -noout -enddate -in /var/lib/minikube/certs/apiserver.crt",
        RENEW_CERTS: "minikube delete && minikube start   # re-creates the cluster and its certificates",
        ETCDCTL: _MINIKUBE_ETCDCTL,
        ETCD_DEFRAG: _MINIKUBE_ETCDCTL + " defrag   # that node's member only: each control-plane node in turn",
        ETCD_BACKUP: _MINIKUBE_ETCDCTL + " snapshot save /var/lib/minikube/etcd/snapshot.db   # lands in the "
                     "minikube node's /var/lib/minikube/etcd; copy it off (`minikube cp`)",
        ETCD_RESTORE: "minikube delete && minikube start   # then re-apply your manifests",
        UPGRADE_KUBELET: "minikube start --kubernetes-version=v1.X.Y",
        UPGRADE_CONTROL_PLANE: "minikube start --kubernetes-version=v1.X.Y",
        RESTART_CONTROL_PLANE: "minikube stop && minikube start",
        INSTALL_KUBE_PROXY: "minikube delete && minikube start (minikube always installs kube-proxy unless the CNI "
                            "replaces it)",
        CONFIGURE_KUBE_PROXY: "minikube start --extra-config=kube-proxy.mode=<mode>",
    }),
    serving_certificates="minikube issues these certificates for three years by default (`minikube start "
                         "--cert-expiration`) and issues new ones when the cluster is recreated.",
    certificate_references=(MINIKUBE_START_DOC,),
    pki_certificates="minikube keeps them under /var/lib/minikube/certs in its node and issues them for three years "
                     "by default (`minikube start --cert-expiration`); recreating the cluster issues new ones.",
    pages=_frozen_pages({ADD_CONTROL_PLANE: (MINIKUBE_HA_DOC,), UPGRADE_CONTROL_PLANE: (MINIKUBE_START_DOC,),
                         UPGRADE_KUBELET: (MINIKUBE_START_DOC,), CHECK_CERTS: (MINIKUBE_START_DOC,)}),
    kubelet_certificates=UPSTREAM_KUBELET_CERTIFICATES.format(who="On minikube the controller manager",
                                                              installs=""),
    kubelet_certificate_references=(KCM_FLAGS_DOC,),
    references=(MINIKUBE_HA_DOC,),
    cni_without_daemonset="no CNI DaemonSet: on one node with the docker runtime, minikube's default is the bridge "
                          "plugin, a configuration file in the node (/etc/cni/net.d) that the API does not show "
                          "(`minikube ssh -- ls /etc/cni/net.d`); other runtimes and several nodes get kindnet",
)

# OpenShift's etcd operator sets ETCD_QUOTA_BACKEND_BYTES itself (FixedEtcdEnvVars): 7 GiB on 4.4-4.8, 8 GiB
# from 4.9. OpenShift 4.y runs Kubernetes 1.(y+13): 4.4 <-> 1.17, 4.7 <-> 1.20, 4.8 <-> 1.21, 4.9 <-> 1.22.
_OPENSHIFT_ETCD_ENV = "https://github.com/openshift/cluster-etcd-operator/blob/{}/pkg/etcdenvvar/etcd_env.go"
OPENSHIFT_QUOTA = Quota(None, "OpenShift's etcd operator sets the quota by release: 7 GiB on 4.4-4.8, 8 GiB from "
                              "4.9 (" + _OPENSHIFT_ETCD_ENV.format("release-4.9") + ")", "OpenShift's default")
OPENSHIFT_QUOTAS = (
    (17, Quota(7 * GIB, _OPENSHIFT_ETCD_ENV.format("release-4.7") + " (OpenShift 4.4-4.8: ETCD_QUOTA_BACKEND_BYTES"
                        "=7516192768)", "OpenShift 4.4-4.8's default")),
    (22, Quota(8 * GIB, _OPENSHIFT_ETCD_ENV.format("release-4.9") + " (OpenShift 4.9 and later: "
                        "ETCD_QUOTA_BACKEND_BYTES=8589934592)", "OpenShift 4.9+'s default")),
)

# library-go's certrotation (the operator's controller) replaces a target certificate once it is `Refresh` old (15
# of its 30 days), waiting up to Refresh/10 (1.5 days) after its signer was replaced, and at the latest at 80% of
# its life (6 days left): 2 days of slack covers that wait and the operator's resync.
OPENSHIFT_SERVING_ROTATION = Rotation(
    by="OpenShift's kube-apiserver operator", lifetime_days=30, replaced_at_days_left=15, slack_days=2,
    issuer_marker="signer", overdue="its replacement is overdue: a Degraded kube-apiserver operator in "
                                    "`oc get clusteroperators` says why")
# OpenShift 4.8 and older do not rotate etcd's peer, serving and client certificates (valid three years): Red Hat's
# solution 7023254 ("Openshift 4.8 below doesn't have auto rotation for etcd certificate"); from 4.9 the etcd
# operator rotates them (the docs' "etcd certificates": "automatically rotates using the etcd cluster Operator").
OPENSHIFT_ETCD_CERTS_KB = "https://access.redhat.com/solutions/7023254"
_OPENSHIFT_RECOVERY = ("if they expired while the cluster was shut down, it recovers them once running, after you "
                       "approve the kubelets' pending CSRs (`oc get csr`, `oc adm certificate approve <csr>`)")
OPENSHIFT_CHECK_CERTS_TO_4_8 = ("oc get clusteroperators   # operators rotate the control plane's certificates, but "
                                "OpenShift 4.8 and older does not rotate etcd's peer, serving and client "
                                "certificates, valid three years, nor etcd's signer CAs, valid ten")
OPENSHIFT_RENEW_CERTS_TO_4_8 = ("the operators rotate them, except etcd's peer, serving and client certificates, "
                                "which OpenShift 4.8 and older does not rotate: renew those before their three years "
                                f"run out as Red Hat's solution describes ({OPENSHIFT_ETCD_CERTS_KB}), and etcd's "
                                "signer CAs (etcd-signer, etcd-metric-signer, valid ten years), which are rotated by "
                                f"hand; for the others no command renews them by hand, and {_OPENSHIFT_RECOVERY}")
# From 4.9 the etcd operator rotates etcd's leaf certificates, but through 4.16 not its signer CAs: the 4.16 docs
# ("etcd certificates") say "Rotate the etcd certificate before it expires" and give the steps (read the signer's
# certificate-not-after annotation, delete secret etcd-signer, copy the new one to openshift-config), with alerts
# etcdSignerCAExpirationWarning/Critical 730 and 365 days ahead; from 4.17 the page says "The etcd certificate
# automatically rotates using the etcd cluster Operator", leaving manual rotation for an early replacement.
OPENSHIFT_ETCD_CERTS_DOC = ("https://docs.openshift.com/container-platform/4.16/security/"
                            "certificate_types_descriptions/etcd-certificates.html")
_OPENSHIFT_ETCD_SIGNER_EXPIRY = ("oc get secret -n openshift-etcd etcd-signer -ojsonpath="
                                 "'{.metadata.annotations.auth\\.openshift\\.io/certificate-not-after}'")
OPENSHIFT_CHECK_CERTS_TO_4_16 = (f"{_OPENSHIFT_ETCD_SIGNER_EXPIRY}   # etcd's signer CA: OpenShift 4.16 and older "
                                 "does not rotate it (nor etcd-metric-signer); `oc get clusteroperators` shows the "
                                 "rotations the operators do")
OPENSHIFT_RENEW_CERTS_TO_4_16 = ("the operators rotate them, etcd's peer, serving and client certificates included, "
                                 "but not etcd's signer CAs (etcd-signer, etcd-metric-signer, valid ten years), which "
                                 "OpenShift 4.16 and older leaves to you: rotate them before they expire as "
                                 f"'Rotating the etcd certificate' describes ({OPENSHIFT_ETCD_CERTS_DOC}; the "
                                 "etcdSignerCAExpirationWarning alert fires two years ahead); for the others no "
                                 f"command renews them by hand, and {_OPENSHIFT_RECOVERY}")
OPENSHIFT_CHECK_CERTS_ANY = ("oc get clusteroperators   # operators rotate the control plane's certificates; etcd's "
                             "peer, serving and client certificates only from OpenShift 4.9, etcd's signer CAs only "
                             "from 4.17 (`oc get clusterversion` shows the release)")
OPENSHIFT_RENEW_CERTS_ANY = ("the operators rotate them, etcd's peer, serving and client certificates from "
                             "OpenShift 4.9 on and etcd's signer CAs from 4.17 on; before that those last three and "
                             "ten years and are renewed by hand, as Red Hat's solution "
                             f"({OPENSHIFT_ETCD_CERTS_KB}) and 'Rotating the etcd certificate' "
                             f"({OPENSHIFT_ETCD_CERTS_DOC}) describe; for the others no command renews them by hand, "
                             f"and {_OPENSHIFT_RECOVERY}")
OPENSHIFT = Profile(
    name="openshift", title="OpenShift", control_plane=STATIC_PODS, renewal_per_node=False,
    fixes_through_release=(((4, 8), _frozen({CHECK_CERTS: OPENSHIFT_CHECK_CERTS_TO_4_8,
                                             RENEW_CERTS: OPENSHIFT_RENEW_CERTS_TO_4_8})),
                           ((4, 16), _frozen({CHECK_CERTS: OPENSHIFT_CHECK_CERTS_TO_4_16,
                                              RENEW_CERTS: OPENSHIFT_RENEW_CERTS_TO_4_16}))),
    fixes_release_unknown=_frozen({CHECK_CERTS: OPENSHIFT_CHECK_CERTS_ANY, RENEW_CERTS: OPENSHIFT_RENEW_CERTS_ANY}),
    control_plane_namespaces=("openshift-kube-apiserver", "openshift-etcd", "openshift-kube-scheduler",
                              "openshift-kube-controller-manager"),
    pki_dir="/etc/kubernetes/static-pod-resources", kubeconfig_certs=(),
    datastore="stacked-etcd", quota=OPENSHIFT_QUOTA, quotas_by_minor=OPENSHIFT_QUOTAS,
    logs=_frozen({"kube-apiserver": "oc -n openshift-kube-apiserver logs kube-apiserver-<node> -c kube-apiserver",
                  "etcd": "oc -n openshift-etcd logs etcd-<node> -c etcd",
                  "kube-scheduler": "oc -n openshift-kube-scheduler logs openshift-kube-scheduler-<node> "
                                    "-c kube-scheduler",
                  "kube-controller-manager": "oc -n openshift-kube-controller-manager logs "
                                             "kube-controller-manager-<node> -c kube-controller-manager",
                  "kubelet": "oc adm node-logs <node> -u kubelet",
                  "container-runtime": "oc adm node-logs <node> -u crio"}),
    service_proxy="the cluster network (OVN-Kubernetes, or openshift-sdn before 4.12) implements Services; "
                  "no kube-proxy DaemonSet",
    fixes=_frozen({
        ADD_CONTROL_PLANE: "OpenShift runs three control-plane machines, kept by its operators: replace a failed "
                           "one with the documented control-plane machine replacement (or the control plane "
                           "machine set), never by hand",
        CHECK_CERTS: "oc get clusteroperators   # operators rotate the control plane's certificates; a Degraded "
                     "kube-apiserver or etcd operator names a failed rotation",
        # "Control plane certificates are managed by the system and rotated automatically. In the rare case that
        # your control plane certificates have expired, see Recovering from expired control plane certificates"
        # (Security > Control plane certificates): the cluster recovers once the kubelets' CSRs are approved.
        RENEW_CERTS: "no command renews them by hand, as the operators rotate them; if they expired while the cluster "
                     "was shut down, it recovers them once running, after you approve the kubelets' pending CSRs "
                     "(`oc get csr`, `oc adm certificate approve <csr>`)",
        # Before 4.9 etcd's own certificates were not rotated, before 4.17 its signer CAs: fixes_through_release.
        ETCDCTL: "oc -n openshift-etcd rsh -c etcdctl etcd-<node> etcdctl",
        # The etcdctl container names every member in ETCDCTL_ENDPOINTS: defragment only the local one.
        ETCD_DEFRAG: "oc -n openshift-etcd rsh -c etcdctl etcd-<node> sh -c 'unset ETCDCTL_ENDPOINTS; etcdctl "
                     "--command-timeout=30s --endpoints=https://localhost:2379 defrag'   # each node in turn",
        # The operator writes ETCD_QUOTA_BACKEND_BYTES into every member's static pod (OPENSHIFT_QUOTA above):
        # an edit on a node is reverted at its next rollout.
        RAISE_ETCD_QUOTA: "the quota is the etcd operator's, which sets it by release on every member: it is not "
                          "raised by hand, so ask Red Hat support",
        ETCD_BACKUP: "oc debug node/<control-plane-node> -- chroot /host /usr/local/bin/cluster-backup.sh "
                     "/home/core/assets/backup",
        ETCD_RESTORE: "sudo -E /usr/local/bin/cluster-restore.sh /home/core/assets/backup   # on the recovery "
                      "control-plane host only, as OpenShift's 'Restoring to a previous cluster state' describes",
        UPGRADE_KUBELET: "oc adm upgrade   # the machine-config operator updates every node's kubelet",
        UPGRADE_CONTROL_PLANE: "oc adm upgrade --to=<version>",
        FINISH_UPGRADE: "OpenShift's cluster version operator rolls an update out itself, component by component, "
                        "etcd and the API servers first: `oc adm upgrade` shows how far it got and `oc get "
                        "clusteroperators` the operator holding it up (Degraded, or Progressing for long); never "
                        "change a component's version by hand",
        RESTART_CONTROL_PLANE: "oc delete pod -n <namespace> <pod>   # the operator re-creates it; never edit the "
                               "static pod files",
        APPROVE_KUBELET_CSRS: "`oc get csr`: the cluster-machine-approver leaves a kubelet's requests pending when it "
                              "cannot match the node to a Machine (`oc get machines -n openshift-machine-api -o "
                              "wide`); its log in namespace openshift-cluster-machine-approver says why. For a node "
                              "with no Machine (user-provisioned, added by hand) approve its client request, then "
                              "its serving request, after checking the node and the names each asks for: "
                              "`oc adm certificate approve <csr>`",
        CONFIGURE_KUBE_PROXY: "edit the cluster network operator's configuration (`oc edit network.operator "
                              "cluster`)",
    }),
    serving_certificates="OpenShift's kube-apiserver operator issues the API server's serving certificates itself, "
                         "for 30 days, and replaces each automatically after 15 (up to a day and a half later just "
                         "after its signer was replaced; at the latest with 6 days left): one with fewer than 13 days "
                         "left is overdue even allowing for that wait (a Degraded kube-apiserver operator in "
                         "`oc get clusteroperators` says why).",
    serving_rotation=OPENSHIFT_SERVING_ROTATION,
    certificate_references=(OPENSHIFT_CONTROL_PLANE_CERTS_DOC, OPENSHIFT_CERT_ROTATION_SOURCE,
                            OPENSHIFT_ROTATION_TIMING_SOURCE),
    pki_certificates="OpenShift's operators issue them and keep them under /etc/kubernetes/static-pod-resources on "
                     "each control-plane node; its documentation lists each one's lifetime and whether it is rotated "
                     "automatically (the API server's serving certificates: 30 days, replaced after 15).",
    pages=_frozen_pages({ADD_CONTROL_PLANE: (OPENSHIFT_CONTROL_PLANE_DOC,),
                         CHECK_CERTS: (OPENSHIFT_CONTROL_PLANE_CERTS_DOC,)}),
    kubelet_certificates="OpenShift's cluster-machine-approver approves kubelet client and serving requests "
                         "automatically once the cluster is installed, but only for a node it can match to a Machine "
                         "of the Machine API (a client request needs a Machine whose NodeInternalDNS names the new "
                         "node, a serving request one whose addresses match every name it asks for): a node without "
                         "such a Machine (a user-provisioned host, a node added by hand) waits for a person to check "
                         "and approve its requests.",
    kubelet_certificate_references=(OPENSHIFT_MACHINE_APPROVER,),
    # The DNS operator runs CoreDNS as DaemonSet openshift-dns/dns-default behind Service dns-default, configured by
    # ConfigMap dns-default from the operator's DNS "default" (openshift/cluster-dns-operator pkg/operator/controller/
    # names.go).
    dns_service="dns-default in openshift-dns",
    dns_redundancy="OpenShift's DNS operator runs cluster DNS as DaemonSet openshift-dns/dns-default, a pod on every "
                   "node: `oc get clusteroperator dns` says why pods are missing or not ready.",
    dns_workload="DaemonSet openshift-dns/dns-default",
    # "OpenShift Container Platform uses a KubeletConfig custom resource (CR) to manage the configuration of nodes
    # ... Logging in to remote machines for the purpose of changing their configuration is not supported" (Nodes,
    # Managing nodes); the MCO writes the kubelet's --config (/etc/kubernetes/kubelet.conf, not kubeadm's
    # kubeconfig of that name: left unnamed so as not to read as kubeadm's).
    kubelet_config="On OpenShift the Machine Config Operator writes each node's kubelet configuration: change it "
                   "with a KubeletConfig resource for a machine config pool (`oc get kubeletconfig`, "
                   "`oc get machineconfigpool`), never by editing files on a node, which OpenShift does not support.",
    # Its default DNS "cannot be customized, replaced, or supplemented" (the DNS Operator page of the docs).
    dns_missing="OpenShift's DNS operator creates DaemonSet openshift-dns/dns-default, and nothing else can run "
                "cluster DNS here: `oc get clusteroperator dns` says why it has not, and "
                "`oc -n openshift-dns-operator get deployment/dns-operator` whether the operator runs.",
    # CRI-O reads network_dir /etc/kubernetes/cni/net.d/ (the machine-config operator's crio.conf); RHCOS nodes are
    # reached through `oc debug node`.
    cni_config="oc debug node/<node> -- chroot /host ls /etc/kubernetes/cni/net.d/",
    # The cluster cloud controller manager operator deploys external cloud controller managers there.
    ccm_pods="oc -n openshift-cloud-controller-manager get pods -o wide",
    dns_commands=("oc -n openshift-dns get ds,pods -o wide", "oc get dns.operator/default -o yaml",
                  "oc -n openshift-dns get cm dns-default -o yaml"),
    references=(OPENSHIFT_CONTROL_PLANE_DOC,
                "https://docs.openshift.com/container-platform/4.16/backup_and_restore/control_plane_backup_and_restore/"
                "backing-up-etcd.html"),
)


def _managed(name: str, title: str, logs: str, quota: Quota, proxy: str, fixes: dict[str, str],
             references: tuple[str, ...], pages: dict[str, tuple[str, ...]] | None = None) -> Profile:
    return Profile(name=name, title=title, control_plane=HIDDEN, control_plane_namespaces=(), pki_dir=None,
                   serving_certificates=f"{title} runs the control plane and issues and rotates the API server's "
                                        "certificates: their expiry is the provider's responsibility.",
                   pki_certificates=f"{title} runs the control plane: its certificate files live on machines the "
                                    "provider runs, which no node of the cluster can read.",
                   kubelet_certificates=f"{title} runs the control plane that signs the kubelets' certificates "
                                        "and approves their requests, by rules the provider sets.",
                   pages=_frozen_pages(pages or {}),
                   kubeconfig_certs=(), datastore="managed", quota=quota, ccm_pods="",
                   logs=_frozen({c: logs for c in ("kube-apiserver", "etcd", "kube-scheduler",
                                                    "kube-controller-manager")}
                                | {"kubelet": _KUBELET_JOURNAL}),
                   service_proxy=proxy, references=references,
                   fixes=_frozen({APPROVE_KUBELET_CSRS: f"see which nodes made the waiting requests (`kubectl get "
                                                        f"csr`): {title} runs the controller manager and decides "
                                                        "what its control plane approves, so if the requests of "
                                                        "nodes it manages stay pending raise it with the "
                                                        "provider's support; approve one by hand "
                                                        "(`kubectl certificate approve <name>`) only after checking "
                                                        "the node and the names it asks for", **fixes}))


EKS = _managed(
    "eks", "Amazon EKS",
    "enable control plane logging (`aws eks update-cluster-config --name <cluster> --logging "
    "'{\"clusterLogging\":[{\"types\":[\"api\",\"audit\",\"scheduler\",\"controllerManager\"],\"enabled\":true}]}'`) "
    "and read CloudWatch Logs group /aws/eks/<cluster>/cluster",
    Quota(8 * GIB, "https://docs.aws.amazon.com/eks/latest/userguide/clusters.html", "EKS's documented limit"),
    "kube-proxy DaemonSet (add-on) configured by ConfigMap kube-system/kube-proxy-config",
    {UPGRADE_KUBELET: "aws eks update-nodegroup-version --cluster-name <cluster> --nodegroup-name <group>",
     UPGRADE_CONTROL_PLANE: "aws eks update-cluster-version --name <cluster> --kubernetes-version 1.X",
     CONFIGURE_KUBE_PROXY: "set `mode` in the kube-proxy add-on's configuration (`aws eks update-addon --addon-name "
                           "kube-proxy --configuration-values '{\"mode\":\"nftables\"}'`)",
     INSTALL_KUBE_PROXY: "aws eks create-addon --cluster-name <cluster> --addon-name kube-proxy"},
    ("https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",),
    {UPGRADE_CONTROL_PLANE: ("https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html",),
     UPGRADE_KUBELET: ("https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html",)},
)
GKE = _managed(
    "gke", "Google Kubernetes Engine",
    "read Cloud Logging (resource.type=\"k8s_control_plane_component\"; `gcloud logging read`)",
    Quota(None, "not published for GKE's managed etcd", "not published"),
    "kube-proxy DaemonSet, or GKE Dataplane V2 (Cilium-based anetd DaemonSet) in its place",
    {UPGRADE_KUBELET: "gcloud container clusters upgrade <cluster> --node-pool=<pool>",
     UPGRADE_CONTROL_PLANE: "gcloud container clusters upgrade <cluster> --master",
     # GKE's etcd troubleshooting page (docs/troubleshooting/scalability): its recommender flags a database
     # approaching the limit.
     ETCD_USAGE: "gcloud recommender recommendations list --recommender=google.container.DiagnosisRecommender "
                 "--location=<location> --project=<project> "
                 "--filter='recommenderSubtype:ETCD_DB_USAGE_APPROACHING_LIMIT'"},
    ("https://cloud.google.com/kubernetes-engine/docs/how-to/view-logs",
     "https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2"),
)
AKS = _managed(
    "aks", "Azure Kubernetes Service",
    "az monitor diagnostic-settings create --name control-plane --resource <cluster-resource-id> --workspace "
    "<workspace-id> --logs '[{\"category\":\"kube-apiserver\",\"enabled\":true},{\"category\":"
    "\"kube-controller-manager\",\"enabled\":true},{\"category\":\"kube-scheduler\",\"enabled\":true}]'   "
    "# AKS keeps no control-plane log unless a diagnostic setting sends it to Log Analytics: query it there",
    Quota(None, "not published for AKS's managed etcd", "not published"),
    "kube-proxy DaemonSet configured by flags (no ConfigMap; no --proxy-mode means iptables)",
    {UPGRADE_KUBELET: "az aks nodepool upgrade --cluster-name <cluster> --name <pool> --kubernetes-version 1.X.Y",
     UPGRADE_CONTROL_PLANE: "az aks upgrade --name <cluster> --resource-group <group> --kubernetes-version 1.X.Y",
     CONFIGURE_KUBE_PROXY: "az aks update --kube-proxy-config <file>   # the AKS kube-proxy configuration"},
    ("https://learn.microsoft.com/en-us/azure/aks/monitor-aks",),
)
# AKS manages ConfigMap coredns (reset on reconcile): CoreDNS is customised in ConfigMap coredns-custom, which the
# Corefile imports (https://learn.microsoft.com/en-us/azure/aks/coredns-custom).
AKS = replace(AKS, dns_commands=(*AKS.dns_commands, "kubectl -n kube-system get cm coredns-custom -o yaml   # AKS: "
                                 "your CoreDNS customisations (AKS resets ConfigMap coredns)"))

UNKNOWN = Profile(
    name="unknown", title="an unrecognised distribution", control_plane=STATIC_PODS,
    control_plane_namespaces=("kube-system",), pki_dir=None, kubeconfig_certs=(),
    datastore="unknown", quota=Quota(ETCD_DEFAULT_QUOTA, ETCD_LIMITS_DOC),
    logs=_frozen({**_STATIC_POD_LOGS, "kubelet": _KUBELET_JOURNAL}),
    service_proxy="kube-proxy, or a replacement",
    fixes=_frozen({ETCD_RESTORE: "etcdutl snapshot restore snapshot.db --data-dir <new-dir>   # etcd 3.5+"}),
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (KUBEADM, KIND, K3S, RKE2, MINIKUBE, OPENSHIFT, EKS, GKE, AKS, UNKNOWN)})

# Which profiles build their clusters with kubeadm (its commands and /etc/kubernetes paths are right there).
KUBEADM_FAMILY = ("kubeadm", "kind")


def profile_for(distribution: str) -> Profile:
    """The profile of a detected distribution name (``model.distribution.DISTRIBUTIONS``)."""
    return PROFILES.get(distribution, UNKNOWN)
