"""The catalogue as people read it: ``audit --list``, ``audit explain ID`` and docs/checks.md.

All three are built from the checks' own metadata, so the docs cannot disagree with the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kubectl_arch.audit.registry import Check


def catalogue_rows(checks: Iterable[Check]) -> list[dict[str, Any]]:
    """One plain row per check, for ``--list -o json|yaml``."""
    return [{"id": c.id, "component": c.meta.component, "title": c.meta.title, "workloads": c.meta.workloads,
             "thresholds": dict(c.meta.thresholds), "needs": list(c.meta.needs),
             "optionalNeeds": list(c.meta.optional_needs), "options": [o.name for o in c.meta.options]} for c in checks]


def catalogue_table(checks: Sequence[Check]) -> str:
    """``--list``: id, component and title, with the opt-in checks marked."""
    width = max((len(c.id) for c in checks), default=2) + 2
    component_width = max((len(c.meta.component) for c in checks), default=9) + 2
    lines = [f"{'ID':<{width}}{'COMPONENT':<{component_width}}TITLE"]
    for check in checks:
        mark = " *" if check.meta.workloads else ""
        lines.append(f"{check.id:<{width}}{check.meta.component:<{component_width}}{check.meta.title}{mark}")
    lines.append("")
    if any(check.meta.workloads for check in checks):
        lines.append("* only with --include-workloads: it reads every namespace.")
    lines.append("Learn about one: `kubectl arch audit explain ID`.")
    return "\n".join(lines) + "\n"


def check_sections(check: Check, heading: str = "") -> list[tuple[str, str]]:
    """The teaching text of one check as (label, text) pairs, shared by ``audit explain`` and the docs."""
    meta = check.meta
    sections = [("Component", meta.component), ("Why it matters", meta.why), ("How to fix", meta.fix)]
    sections.append(("Reads", "; ".join(check.reads) or "nothing from the cluster"))
    if meta.thresholds:
        sections.append(("Thresholds (defaults)", ", ".join(f"{k}={v!r}" for k, v in meta.thresholds.items())))
    if meta.options:
        sections.append(("Command-line inputs", ", ".join(f"--{o.name}" for o in meta.options)))
    if meta.workloads:
        sections.append(("Runs", "only with --include-workloads (it lists every pod)"))
    sections.append(("References", " ".join(meta.references)))
    return sections


def explain_text(check: Check, width: int = 100) -> str:
    """``audit explain ID``: the check's teaching text in plain words; URLs one per line, never wrapped."""
    from kubectl_arch.output.wrap import wrap

    lines = [f"{check.id}: {check.meta.title}"]
    for label, text in check_sections(check):
        lines += ["", f"{label}:"]
        if label == "References":
            lines += [f"  {ref}" for ref in check.meta.references]
            continue
        lines += [f"  {line}" for line in wrap(text, width - 2)]
    return "\n".join(lines) + "\n"


def catalogue_markdown(checks: Sequence[Check]) -> str:
    """The catalogue part of docs/checks.md: an index table, then one section per check."""
    lines = ["| Id | Component | Title |", "| --- | --- | --- |"]
    lines += [f"| [`{c.id}`](#{c.id}) | {c.meta.component} | {c.meta.title} |" for c in checks]
    lines.append("")
    for check in checks:
        lines += [f"### {check.id}", "", f"**{check.meta.title}**", ""]
        for label, text in check_sections(check):
            if label == "References":
                text = ", ".join(f"<{ref}>" for ref in check.meta.references)
            lines += [f"- **{label}:** {text}"]
        lines.append("")
    return "\n".join(lines)


def render_table(checks: Sequence[Check], _format_name: str) -> None:
    """`audit --list` for people."""
    import click

    click.echo(catalogue_table(checks), nl=False)


def render_rows(checks: Sequence[Check], format_name: str) -> None:
    """`audit --list -o json|yaml`: one row per check."""
    from kubectl_arch.output.structured import emit

    emit(catalogue_rows(checks), format_name)


def render_ids(checks: Sequence[Check], _format_name: str) -> None:
    """`audit --list -o name`: every check id, one a line."""
    import click

    click.echo("".join(f"{check.id}\n" for check in checks), nl=False)
