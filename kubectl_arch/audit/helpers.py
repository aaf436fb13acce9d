"""Small pieces several checks share, so that each check folder holds only its own decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.collect.source import Response, Source
from kubectl_arch.model.components import OPENSHIFT_PODS_NEED
from kubectl_arch.model.distribution import READS as DISTRIBUTION_READS
from kubectl_arch.model.openshift_versions import CLUSTER_VERSION_NEED

if TYPE_CHECKING:
    from kubectl_arch.audit.check import CheckMeta, Finding
    from kubectl_arch.model.profiles import Profile
    from kubectl_arch.model.versions import Version

# What a check needs to recognise a managed (hidden) control plane with model.distribution.
DISTRIBUTION_NEEDS = ("version", "nodes", "kube-system-pods")
DISTRIBUTION_OPTIONAL_NEEDS = ("kubeadm-config",)
# What ``profile_of``, ``provider_skip`` and ``hidden_control_plane`` read: the distribution's detection, no more.
# A check declares only the groups its verdict rests on, so a refused read it never looks at (the Leases, say)
# leaves its verdict alone; the whole fact base's reads would make every refusal everyone's.
PROFILE_NEEDS: tuple[str, ...] = DISTRIBUTION_READS
# ``release_of``: the profile and, on OpenShift, the ClusterVersion.
RELEASE_NEEDS: tuple[str, ...] = (*PROFILE_NEEDS, CLUSTER_VERSION_NEED)
# The fact base's control-plane counts and datastore (its components' ``runs``, ``replicas``, ``ready``, ``unread``
# and ``ClusterFacts.datastore``): the pods they run as (OpenShift's namespaces too), the nodes k3s counts them
# from, /version for the documented quota, and the profile. Not their health, which adds /readyz, /livez and Leases.
CONTROL_PLANE_NEEDS: tuple[str, ...] = (*PROFILE_NEEDS, OPENSHIFT_PODS_NEED)


def reads(*groups: tuple[str, ...] | str, besides: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The needs of ``groups`` (tuples or single names) once each, in order, leaving out those ``besides`` names:
    a check's optional reads beside its required ones, which skip it whole when they fail."""
    names = (name for group in groups for name in ((group,) if isinstance(group, str) else group))
    return tuple(name for name in dict.fromkeys(names) if name not in besides)


def hidden_control_plane(data: ClusterData, what: str = "its redundancy") -> str | None:
    """Why the control plane cannot be seen (a managed cluster), or None when it is the operator's own.

    ``what`` names what the provider answers for in this check ("its redundancy", "its versions").
    """
    from kubectl_arch.model.distribution import detect_distribution

    distribution = detect_distribution(data)
    if not distribution.managed:
        return None
    return (f"the control plane is managed by {distribution.managed_by} and not visible through the API; "
            f"{what} is the provider's responsibility")


def provider_skip(check_id: str, data: ClusterData, what: str = "its redundancy") -> Finding | None:
    """The skip of a check that judges the control plane itself, on a cluster whose provider runs it out of sight
    (None elsewhere): settled, since no read, refused or not, could let the check judge it."""
    from kubectl_arch.audit.check import Finding, Status

    hidden = hidden_control_plane(data, what)
    return Finding(check_id, Status.SKIP, hidden, settled=True) if hidden else None


def profile_of(data: ClusterData) -> Profile:
    """The distribution profile of the cluster: where its fixes, paths and log commands come from."""
    from kubectl_arch.model.distribution import detect_distribution
    from kubectl_arch.model.profiles import profile_for

    return profile_for(detect_distribution(data).name)  # the fact base's profile, without its other reads


def release_of(data: ClusterData) -> str | None:
    """The distribution's own release where fixes differ by it (OpenShift's ClusterVersion); None elsewhere or
    when unread, for ``Profile.fix_at``."""
    from kubectl_arch.model.openshift_versions import openshift_release

    if profile_of(data).name != "openshift":
        return None
    return openshift_release(data).version if CLUSTER_VERSION_NEED in data.responses else None


def with_fix(findings: list[Finding], fix: str | None) -> list[Finding]:
    """The findings, each carrying ``fix`` (this cluster's remediation) unless it has its own."""
    if fix:
        for finding in findings:
            if finding.fix is None:
                finding.fix = fix
    return findings


def with_teaching(findings: list[Finding], why: str | None, references: tuple[str, ...]) -> list[Finding]:
    """The findings, each carrying why it matters (None: the check's) and where to read more on this cluster's
    distribution."""
    for finding in findings:
        finding.why = finding.why or why
        finding.references = finding.references or references
    return findings


def teaches_its_own(profile: Profile) -> bool:
    """Whether findings teach this distribution's own lifetimes and pages rather than the catalogue's, which are
    kubeadm's (kubeadm and kind build with kubeadm; an unrecognised cluster keeps the catalogue's example)."""
    from kubectl_arch.model.profiles import KUBEADM_FAMILY

    return profile.name not in (*KUBEADM_FAMILY, "unknown")


def with_distribution_pages(findings: list[Finding], data: ClusterData, meta: CheckMeta, action: str,
                            why: str | None = None) -> list[Finding]:
    """The findings, linking the detected distribution's pages on ``action`` where the check links kubeadm's
    (and carrying ``why``, when given): a k3s cluster is never sent to kubeadm's upgrade page."""
    profile = profile_of(data)
    if not teaches_its_own(profile):
        return findings
    from kubectl_arch.model.profiles import KUBEADM

    kubeadm_pages = {page for pages in KUBEADM.pages.values() for page in pages}
    generic = tuple(page for page in meta.references if page not in kubeadm_pages)
    return with_teaching(findings, why, (*profile.pages_for(action), *generic))


def json_object(data: ClusterData, need: str) -> dict[str, Any]:
    """The need's JSON when it is an object; {} for anything else (unreadable, a list, text)."""
    value = data.json(need)
    return value if isinstance(value, dict) else {}


def served_version(data: ClusterData) -> Version | None:
    """The version ``/version`` reports (needs ``version``)."""
    from kubectl_arch.model.versions import parse_version

    return parse_version(str(json_object(data, "version").get("gitVersion", "")))


def apiserver_versions(data: ClusterData) -> tuple[list[Version], str]:
    """The API servers' versions and where they were read: their pods' images, else ``/version``.

    Needs ``kube-system-pods`` and ``version``. Behind a load balancer ``/version`` is one server's answer,
    so the pods (one version per instance) are preferred whenever they are visible.
    """
    from kubectl_arch.model.components import KUBE_APISERVER, control_plane_components
    from kubectl_arch.model.versions import parse_version

    instances = control_plane_components(data)[KUBE_APISERVER].instances
    from_pods = [v for v in (parse_version(i.version) for i in instances) if v is not None]
    if from_pods:
        return sorted(from_pods), "kube-apiserver pod images"
    served = served_version(data)
    return ([served], "/version") if served else ([], "nothing readable")


def register_computed_need(name: str, description: str, resource: str,
                           fetch: Callable[[Source, ClusterData], Response]) -> Need:
    """Register a need a check computes while collecting (a count, sizes): it lists a core resource.

    Such needs keep only aggregates, so memory stays bounded however large the cluster is.
    """
    return register(Need(name, description, fetch=fetch, rule=Rule(api_groups=("",), resources=(resource,))))


def workload_list_path(data: ClusterData, plural: str) -> str:
    """Where a workload check lists a core resource: every namespace, or the one ``audit -n`` names."""
    namespace = data.options.get("namespace")
    return f"/api/v1/namespaces/{namespace}/{plural}" if namespace else f"/api/v1/{plural}"


def workload_scope(data: ClusterData) -> str:
    """The namespaces a workload check read, for its evidence."""
    namespace = data.options.get("namespace")
    return f"namespace {namespace}" if namespace else "all namespaces"
