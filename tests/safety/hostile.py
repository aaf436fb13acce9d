"""A source that plants hostile text in every string a cluster could control.

Every string value in every answer gets ``HOSTILE`` appended, except the few fields the analysis keys on
(kinds, labels, condition types and statuses, phases, selectors), so the data still reads as the same
cluster and the hostile text reaches every field a command prints. Text answers (/readyz, /metrics
comments) get it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kubectl_arch.collect.source import Credentials, Query, Response, Source

# Terminal title + clear screen + cursor home + green "ALL CHECKS PASSED", an OSC-8 link, rich markup
# (one that crashes rich's parser), HTML and Markdown that would render in a PR comment, XML-illegal
# controls, an 8-bit CSI, a bidi override and a lone surrogate (valid in JSON, unencodable as UTF-8), markup
# with no space in it (a narrow table breaks it after a "/"), and what follows it below.
HOSTILE = ("\x1b]0;pwned\x07\x1b[2J\x1b[H\x1b[1;32mALL CHECKS PASSED\x1b[0m"
           "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
           " [/] [bold red]x[/] [link=https://evil.example]y[/link] ' [/]'"
           " <img src=x onerror=alert(1)></details><script>z</script> [l](https://evil.example) **b** `c`"
           " |\r\n\x00\x08\x0b\x7f\x9b2J\u202e\ud800 &amp;"
           # no space for a narrow table to wrap at, so it breaks after a "/" or ".", inside "[/red]"
           " runtime://1.7.24/[red]bold[/red]/x[/]/y.z[/b]"
           # backslashes rich's escape got wrong (one before a "[" that starts no tag, one at the end), an emoji
           # code rich would replace, markup with a style this tool uses, quotes, more bidi controls, a long token
           ' C:\\dir\\ \\[x \\[red]y\\[/red] :smile: [bold]B[/bold] "q" \u2066i\u2069 \u200fr \u061ca '
           + "t" * 130 + " end\\")

# Keys whose values the analysis matches on: planting text there changes which cluster this is.
STRUCTURAL = frozenset({
    "kind", "apiVersion", "type", "status", "phase", "labels", "matchLabels", "selector", "labelSelector",
    "namespace", "uid", "resourceVersion", "creationTimestamp", "lastTransitionTime", "lastHeartbeatTime",
    "renewTime", "acquireTime", "lastTimestamp", "firstTimestamp", "eventTime", "startedAt", "finishedAt",
    "startTime", "lastProbeTime", "continue", "operator", "effect", "key", "protocol", "restartPolicy",
    "controller", "blockOwnerDeletion", "involvedObject", "ownerReferences", "caBundle", "tls.crt", "ca.crt",
    "podIP", "hostIP", "clusterIP", "leaseDurationSeconds", "serviceAccountName", "schedulerName",
    "managedFields", "imageID", "containerID", "lastUpdateTime", "expirationTimestamp", "certificate",
})


def poison(value: Any, key: str = "") -> Any:
    """``value`` with HOSTILE appended to every string not in a structural field."""
    if isinstance(value, dict):
        if key in ("labels", "matchLabels", "selector", "involvedObject", "ownerReferences"):
            return value
        return {k: poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str) and key not in STRUCTURAL:
        return value + HOSTILE  # names, versions, images, holders, messages: what commands print
    return value


class HostileSource:
    """``inner``'s answers with hostile text planted (see ``poison``)."""

    def __init__(self, inner: Source) -> None:
        self._inner = inner

    @property
    def description(self) -> str:
        return self._inner.description + HOSTILE

    def get(self, path: str, query: Query | None = None) -> Response:
        answer = self._inner.get(path, query)
        text = None if answer.text is None else answer.text.replace("\n", HOSTILE.replace("\n", "") + "\n", 3)
        if path.endswith("/metrics") and answer.text is not None:
            text = answer.text + f"# HELP hostile {HOSTILE.replace(chr(10), '')}\n"
        return Response(status=answer.status, data=poison(answer.data), text=text, error=answer.error,
                        headers=answer.headers, absent=answer.absent)

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        return self._inner.watch(path, query, timeout_seconds)

    def peer_certificates(self) -> Response:
        return self._inner.peer_certificates()

    def credentials(self) -> Credentials:
        creds = self._inner.credentials()
        return Credentials(context=creds.context + HOSTILE, server=creds.server + HOSTILE,
                           client_certificate_pem=creds.client_certificate_pem,
                           certificate_authority_pem=creds.certificate_authority_pem, auth=creds.auth,
                           namespace=creds.namespace)

    def now(self) -> dt.datetime:
        return self._inner.now()
