"""webhook-ca-expiry: the CA bundles the API server uses to trust admission webhooks and aggregated APIs.

The API server calls each webhook and each aggregated APIService over TLS, trusting only the
``caBundle`` given for it. When the serving certificate behind it expires (or the bundle's CA does),
the calls fail: a webhook with ``failurePolicy: Fail`` then blocks every write it matches, and an
APIService goes Unavailable, breaking discovery for tools that list every API.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.model import raw
from kubectl_arch.model.certificates import (
    Certificate,
    CertificateError,
    ExpiryPolicy,
    expiry_verdicts,
    parse_ca_bundle,
)

ID = "webhook-ca-expiry"
MUTATING = "mutatingwebhookconfigurations"
VALIDATING = "validatingwebhookconfigurations"
APISERVICES = "apiservices"

# Three cluster-scoped lists, each in its own API group.
for plural, group, description in (
    (MUTATING, "admissionregistration.k8s.io", "mutating admission webhook configurations"),
    (VALIDATING, "admissionregistration.k8s.io", "validating admission webhook configurations"),
    (APISERVICES, "apiregistration.k8s.io", "APIServices (aggregated APIs)"),
):
    register(Need(plural, description, f"/apis/{group}/v1/{plural}", paged=True,
                  rule=Rule(api_groups=(group,), resources=(plural,))))

META = CheckMeta(
    id=ID,
    title="Admission webhook and APIService CA bundle expiry",
    component="certificates",
    why=(
        "The API server trusts an admission webhook or an aggregated API (metrics-server, custom API "
        "servers) only through the caBundle configured for it. When that CA, or the certificate it "
        "vouches for, expires, every call fails TLS: a webhook with failurePolicy Fail then rejects "
        "every write it matches (often pods cluster-wide), and an APIService turns Unavailable, which "
        "breaks `kubectl top`, the HPA and namespace deletion."
    ),
    fix=(
        "Renew the webhook's serving certificate and its caBundle together: with cert-manager check the "
        "Certificate and its CA injector (`kubectl describe certificate`), otherwise reinstall or upgrade "
        "the component that owns the webhook (its Helm chart usually regenerates both). Remove webhooks and "
        "APIServices left behind by uninstalled software."
    ),
    references=(
        "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/",
        "https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/",
        "https://cert-manager.io/docs/concepts/ca-injector/",
    ),
    needs=(),
    optional_needs=(MUTATING, VALIDATING, APISERVICES),
    thresholds={"warn_days": 30, "fail_days": 7},
)

Group = tuple[str | None, str, list[Certificate] | CertificateError]


def _webhook_bundles(configurations: list[dict[str, Any]], kind: str) -> Iterator[Group]:
    for configuration in configurations:
        config_name = raw.name(configuration)
        for webhook in map(raw.mapping, raw.sequence(configuration.get("webhooks"))):
            bundle = raw.text(raw.mapping(webhook.get("clientConfig")).get("caBundle"))
            if not bundle:
                continue  # trusts the API server's system roots: nothing of the cluster's to expire
            label = f"the {kind} webhook {webhook.get('name', '?')} ({config_name})"
            yield f"{kind}webhookconfiguration/{config_name}", label, parse_ca_bundle(bundle, "its caBundle")


def _apiservice_bundles(apiservices: list[dict[str, Any]]) -> Iterator[Group]:
    for apiservice in apiservices:
        spec = raw.mapping(apiservice.get("spec"))
        bundle = raw.text(spec.get("caBundle"))
        if not spec.get("service") or not bundle:
            continue  # served by the API server itself, or TLS verification is skipped
        name = raw.name(apiservice)
        yield f"apiservice/{name}", f"the APIService {name}", parse_ca_bundle(bundle, "its caBundle")


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    groups: list[Group] = []
    for need, bundles in ((MUTATING, lambda items: _webhook_bundles(items, "mutating")),
                          (VALIDATING, lambda items: _webhook_bundles(items, "validating")),
                          (APISERVICES, _apiservice_bundles)):
        response = data.responses.get(need)
        if response is None or not response.ok:
            reason = data.skip_reason(need) if response is not None else f"{need} were not collected"
            findings.append(Finding(ID, Status.SKIP, str(reason), {"need": need}))
            continue
        groups.extend(bundles(response.items))
    if findings and not groups:
        return findings  # nothing readable: the skips say why
    # No caBundle at all is normal (no webhooks, or webhooks trusting public CAs): nothing can expire.
    verdicts = expiry_verdicts(groups, data.now, ExpiryPolicy.from_thresholds(thresholds), "caBundle certificates",
                               unreadable_level=Status.FAIL, empty_level=Status.PASS)
    return [Finding(ID, v.level, v.message, v.evidence, v.object) for v in verdicts] + findings
