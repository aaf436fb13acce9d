"""``trace <TAB>``: a kind as kubectl spells it (``pod``, ``deployment/`` ...), then the names of that kind
in the namespace, read from the cluster the flags typed so far select (one GET, short deadline)."""

from __future__ import annotations

import click

from kubectl_arch.cli.value_completion import completion_source, matching, names_at
from kubectl_arch.errors import UsageError
from kubectl_arch.trace.target import OWNER_KINDS, POD, parse_target

KIND_WORDS = ["pod", *(f"{kind.lower()}/" for kind in OWNER_KINDS)]


def trace_targets(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """What ``trace`` can take next: kinds first, then ``KIND/NAME`` or, after ``pod``, pod names."""
    typed = tuple(ctx.params.get("what") or ())
    if len(typed) > 1 or (typed and "/" in typed[0]):
        return []
    kind_text, slash, name = incomplete.partition("/")
    if typed:  # `trace pod <TAB>`: names of the kind typed
        kind_text, name, prefix = typed[0], incomplete, ""
    elif not slash:
        return [word for word in KIND_WORDS if word.startswith(incomplete)]
    else:
        prefix = f"{kind_text}/"
    try:
        kind = parse_target(f"{kind_text}/x").kind
    except UsageError:
        return []
    source = completion_source(ctx)
    if source is None:
        return []
    namespace = ctx.params.get("namespace") or source.credentials().namespace or "default"
    path = f"/api/v1/namespaces/{namespace}/pods" if kind == POD else OWNER_KINDS[kind].path(namespace)
    return [f"{prefix}{n}" for n in matching(names_at(source, path), name)]
