"""``kubectl arch trace ... -o svg|html``: each pod's stages as a Gantt chart on one time axis.

One row per stage: a bar from its start to its end (to now while unfinished, hatched when failing),
the stuck stage outlined in red and named at the end of its bar, and each bar's tooltip carrying the
stage's actor and evidence. An owner's chosen pods (``trace/pods.py``) stack as sections of one picture,
each saying why it was chosen; the pods not charted are counted by state at the end, never drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kubectl_arch.output import pictures
from kubectl_arch.output.pictures import BAD, OFF, OK, WARN, Box, Label, Rule, Scene
from kubectl_arch.trace.pods import MAX_NAMES
from kubectl_arch.trace.render.timeline import Axis, format_seconds, timeline_axis
from kubectl_arch.trace.report import TraceReport, TraceSet
from kubectl_arch.trace.stages import Stage, StageStatus

WIDTH = 1080.0
MARGIN = 20.0
NAME_X = MARGIN + 8
STATUS_X = 230.0
BAR_X = 340.0
BAR_RIGHT = WIDTH - 240.0  # room after the bars for "stuck: Reason"
ROW = 30.0
BAR_HEIGHT = 18.0
MIN_BAR = 4.0
TICKS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400)
MAX_TICKS = 8
MAX_SUMMARY_LINES = 6

_STATES = {StageStatus.DONE: OK, StageStatus.IN_PROGRESS: WARN, StageStatus.FAILED: BAD,
           StageStatus.UNKNOWN: OFF, StageStatus.NOT_REACHED: OFF}


def tick_step(span: float) -> float:
    """The smallest round step giving at most ``MAX_TICKS`` ticks over ``span`` seconds."""
    return next((step for step in TICKS if span / step <= MAX_TICKS), TICKS[-1] * (span // (TICKS[-1] * MAX_TICKS) + 1))


def tick_label(seconds: float) -> str:
    """Axis labels read as round numbers: 0s, 30s, 1m30s, 0.5s."""
    if 0 < seconds < 60 and seconds == int(seconds):
        return f"{int(seconds)}s"
    return format_seconds(seconds).replace("m00s", "m")


def title_of(report: TraceReport) -> str:
    view = report.view
    if not report.has_pod:
        kind, name = report.owners[-1] if report.owners else ("Owner", "?")
        return f"{kind} {report.namespace}/{name} · no pod"
    node = f" on {view.node_name}" if view.node_name else " (no node yet)"
    return f"Pod {view.namespace}/{view.name}{node} · phase {view.phase}"


def owner_chain(report: TraceReport) -> str:
    chain = [f"{kind} {name}" for kind, name in reversed(report.owners)]
    chain.append(f"Pod {report.view.name}" if report.has_pod else "(no pod)")
    return "Owners: " + " → ".join(chain)


def stage_tooltip(stage: Stage, report: TraceReport) -> list[str]:
    """What hovering a bar shows: status, actor, times and the evidence that dated the stage."""
    tips = [f"status: {stage.status.value}" + (" (approximate)" if stage.approximate else "")]
    if stage.actor:
        tips.append(f"by: {stage.actor}")
    if stage.start or stage.end:
        tips.append(f"from {_clock(stage.start)} to {_clock(stage.end)}"
                    + (f" ({format_seconds(stage.duration_seconds)})" if stage.duration_seconds is not None else ""))
    tips += [f"seen: {line}" for line in stage.evidence]
    if report.stuck and report.stuck.stage == stage.name:
        tips += [f"stuck: {report.stuck.diagnosis.reason}", report.stuck.diagnosis.explanation,
                 *(f"seen: {line}" for line in report.stuck.diagnosis.evidence)]
    return tips


def _clock(when: dt.datetime | None) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%H:%M:%S") if when else "?"


def _section(scene: Scene, report: TraceReport, y: float, why: str = "", suffix: str = "") -> float:
    """One pod: heading, why it is charted, axis, a row per stage, the verdict; returns the y below it.

    ``suffix`` keeps the bars' ids unique when several pods share the picture ("-2", "-3" ...)."""
    scene.labels.append(Label(MARGIN, y + 20, pictures.fit(title_of(report), WIDTH - 2 * MARGIN, 16, True),
                              "ka-heading", tooltip=title_of(report)))
    scene.labels.append(Label(MARGIN, y + 40, pictures.fit(owner_chain(report), WIDTH - 2 * MARGIN), "ka-sub",
                              tooltip=owner_chain(report)))
    if why:
        y += pictures.LINE_HEIGHT
        why = "charted: " + why.replace("`", "")  # the page sets commands as code; a picture has no code face
        scene.labels.append(Label(MARGIN, y + 40, pictures.fit(why, WIDTH - 2 * MARGIN), "ka-sub", tooltip=why))
    y += 58
    axis = timeline_axis(report, int(BAR_RIGHT - BAR_X))
    top = y + 22
    bottom = top + ROW * len(report.stages)
    scene.labels += [Label(NAME_X, y + 12, "STAGE", "ka-tick ka-bold"), Label(STATUS_X, y + 12, "STATUS",
                                                                            "ka-tick ka-bold")]
    if axis is None:
        scene.labels.append(Label(BAR_X, y + 12, "no times known for this pod", "ka-tick"))
    else:
        step = tick_step(axis.span)
        seconds = 0.0
        while seconds <= axis.span + 1e-9:
            x = BAR_X + (BAR_RIGHT - BAR_X) * seconds / axis.span
            scene.rules.append(Rule(x, top - 4, x, bottom))
            scene.labels.append(Label(x, y + 12, tick_label(seconds), "ka-tick", anchor="middle"))
            seconds += step
    stuck = report.stuck.stage if report.stuck else None
    open_stage = not report.view.terminal and any(s.status in (StageStatus.IN_PROGRESS, StageStatus.FAILED)
                                                  for s in report.stages)
    for index, stage in enumerate(report.stages):
        row_y = top + index * ROW
        is_stuck = stage.name == stuck
        if is_stuck:
            scene.rules.append(Rule(MARGIN, row_y + ROW - 2, WIDTH - MARGIN, row_y + ROW - 2, "ka-row-stuck"))
        name = ("▶ " if is_stuck else "") + stage.name + ("~" if stage.approximate else "")
        scene.labels.append(Label(NAME_X, row_y + 19, name, "ka-stage" + (" ka-stuck" if is_stuck else "")))
        scene.labels.append(Label(STATUS_X, row_y + 19, stage.status.value.replace("-", " "),
                                  f"ka-stage ka-status-{stage.status.value}"))
        bar = _bar(stage, report, axis, row_y, suffix)
        if bar is not None:
            scene.boxes.append(bar)
        if is_stuck and report.stuck is not None:
            end_x = bar.right + 8 if bar is not None else BAR_X
            text = pictures.fit(f"◀ stuck: {report.stuck.diagnosis.reason}", WIDTH - MARGIN - end_x, 12, True)
            scene.labels.append(Label(end_x, row_y + 19, text, "ka-stuck", tooltip=report.stuck.diagnosis.explanation))
    if axis is not None and open_stage:
        x = BAR_X + (BAR_RIGHT - BAR_X) * (report.now - axis.origin).total_seconds() / axis.span
        x = min(max(x, BAR_X), BAR_RIGHT)
        scene.rules.append(Rule(x, top - 4, x, bottom, "ka-now"))
        scene.labels.append(Label(x, bottom + 14, "now", "ka-tick ka-text-bad", anchor="middle"))
    y = bottom + 26
    return _verdict(scene, report, y)


def _bar(stage: Stage, report: TraceReport, axis: Axis | None, row_y: float, suffix: str = "") -> Box | None:
    if stage.status is StageStatus.NOT_REACHED or axis is None:
        return None
    start, end = stage.start, stage.end
    if not stage.done and end is None:
        end = report.now
    if start is None and end is None:
        return None
    first, last = start or end, end or start
    assert first is not None and last is not None
    if last < first:
        first, last = last, first
    scale = (BAR_RIGHT - BAR_X) / axis.span
    x1 = BAR_X + max(0.0, (first - axis.origin).total_seconds()) * scale
    x2 = BAR_X + min(axis.span, max(0.0, (last - axis.origin).total_seconds())) * scale
    if x2 - x1 < MIN_BAR:
        x1, x2 = max(BAR_X, (x1 + x2) / 2 - MIN_BAR / 2), min(BAR_RIGHT, (x1 + x2) / 2 + MIN_BAR / 2)
    state = _STATES[stage.status]
    if report.stuck and report.stuck.stage == stage.name and state == OK:
        state = WARN
    return Box(x1, row_y + (ROW - BAR_HEIGHT) / 2, x2 - x1, BAR_HEIGHT, title=stage.name, state=state,
               tooltip=stage_tooltip(stage, report), kind="bar", ident=f"stage-{stage.name}{suffix}")


def _verdict(scene: Scene, report: TraceReport, y: float) -> float:
    verdict = report.verdict
    if report.stuck is None and report.finished is None:
        style = "ka-text-ok ka-bold" if verdict.state == "ready" else "ka-text-bad ka-bold"
        text = f"{'Not stuck' if verdict.state == 'ready' else 'Unknown'}: {verdict.summary}."
        scene.labels.append(Label(MARGIN, y, pictures.fit(text, WIDTH - 2 * MARGIN, 13, True), style, tooltip=text))
        return y + 10
    diagnosis = report.stuck.diagnosis if report.stuck is not None else report.finished
    assert diagnosis is not None
    heading = (f"Stuck at {report.stuck.stage}: {diagnosis.reason}" if report.stuck is not None
               else f"Finished: {diagnosis.reason}")
    scene.labels.append(Label(MARGIN, y, pictures.fit(heading, WIDTH - 2 * MARGIN, 13, True),
                              "ka-stuck" if report.stuck is not None or report.view.phase == "Failed"
                              else "ka-text-ok ka-bold", tooltip=diagnosis.explanation))
    lines = pictures.wrap(diagnosis.explanation, WIDTH - 2 * MARGIN)
    if len(lines) > MAX_SUMMARY_LINES:
        lines = [*lines[: MAX_SUMMARY_LINES - 1], lines[MAX_SUMMARY_LINES - 1] + " …"]
    for line in lines:
        y += pictures.LINE_HEIGHT
        scene.labels.append(Label(MARGIN, y, line, tooltip=diagnosis.explanation))
    if diagnosis.next:
        y += pictures.LINE_HEIGHT
        scene.labels.append(Label(MARGIN, y, pictures.fit("next: " + diagnosis.next[0], WIDTH - 2 * MARGIN),
                                  "ka-sub", tooltip="\n".join(diagnosis.next)))
    return y + 10


def scene_title(view: TraceSet) -> str:
    """One pod's title, or the owner with how many of its pods are charted."""
    first = view.reports[0]
    if not view.target or not first.has_pod or view.total <= 1:
        return title_of(first)
    return f"{view.target} in {first.namespace}: {view.total} pods, {len(view.reports)} charted"


def _alike(scene: Scene, view: TraceSet, y: float) -> float:
    """The pods not charted, one line per state with a count; their names (some) in the tooltip."""
    if not view.alike:
        return y
    more = sum(a.count for a in view.alike)
    scene.labels.append(Label(MARGIN, y + 6, f"{more} more pod{'s' if more != 1 else ''} of {view.target}, "
                                             "not charted (by state, as kubectl get pods shows it):", "ka-bold"))
    for alike in view.alike:
        y += pictures.LINE_HEIGHT + 4
        text = pictures.fit(f"{alike.count} more alike: {alike.state} · {', '.join(alike.names[:3])}"
                            + (", …" if alike.count > 3 else ""), WIDTH - 2 * MARGIN - 12)
        scene.labels.append(Label(MARGIN + 12, y + 6, text, "ka-sub", tooltip=names_tooltip(alike.names)))
    return y + 32


def names_tooltip(names: Sequence[str]) -> str:
    shown = "\n".join(names[:MAX_NAMES])
    return shown + (f"\n… and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else "")


def gantt_scene(view: TraceSet) -> Scene:
    """Every charted pod, one under the other, the others counted, and a legend at the bottom."""
    scene = Scene(WIDTH, 0, title=scene_title(view), kind="trace",
                  description="Each stage of the pod's creation as a bar on one time axis; the stuck stage is "
                              "marked; hover a bar for its evidence.")
    y = 10.0
    if len(view.reports) > 1 or view.alike:
        scene.labels.append(Label(MARGIN, y + 20, pictures.fit(scene.title, WIDTH - 2 * MARGIN, 17, True),
                                  "ka-heading ka-top", tooltip=scene.title))
        y += 40
    for index, (report, why) in enumerate(view.sections):
        y = _section(scene, report, y, why, f"-{index + 1}" if index else "") + 22
    y = _alike(scene, view, y)
    legend = [(OK, "■ done"), (WARN, "■ in progress"), (BAD, "■ failed"), (OFF, "■ unknown time"),
              ("", "~ approximate (rebuilt without events)")]
    x = MARGIN
    for state, text in legend:
        scene.labels.append(Label(x, y, text, f"ka-tick ka-text-{state}" if state else "ka-tick"))
        x += pictures.text_width(text, 11) + 22
    scene.height = y + MARGIN
    return scene


def trace_svg(view: TraceSet) -> str:
    return pictures.svg(gantt_scene(view))


def trace_html(view: TraceSet) -> str:
    """The chart, then for each pod what the terminal view prints: evidence, the verdict, next steps, notes."""
    from markupsafe import Markup

    scene = gantt_scene(view)
    return pictures.render("trace.html.j2", title=scene.title, view=view, title_of=title_of, owner_chain=owner_chain,
                           names_tooltip=names_tooltip, picture=Markup(pictures.svg(scene, standalone=False)),
                           source=view.reports[0].source, format_seconds=format_seconds)


def render(view: TraceSet, format_name: str) -> None:
    import click

    click.echo((trace_html if format_name == "html" else trace_svg)(view), nl=False)
