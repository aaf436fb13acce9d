"""``trace --follow`` output: one line per step as it completes, then how following ended.

Lines are printed as they happen (no table to redraw), so the output reads the same in a terminal,
a pipe or a CI log. ``--follow -o json`` prints one JSON object per line instead.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from kubectl_arch.output.sanitise import visible
from kubectl_arch.trace.follow import Follower, FollowStep
from kubectl_arch.trace.render.document import iso
from kubectl_arch.trace.render.timeline import format_seconds
from kubectl_arch.trace.stages import Stage


class FollowPrinter:
    """Prints follow progress as text lines or JSON lines."""

    def __init__(self, json_lines: bool = False) -> None:
        self.json_lines = json_lines

    def _emit(self, record: dict[str, object], text: str) -> None:
        """One record; as text, its cluster strings (names, messages, actors) shown, never obeyed, as the
        timeline's console shows them: these lines go straight to the terminal, past any console."""
        click.echo(json.dumps(record) if self.json_lines else visible(text))

    def waiting(self, message: str) -> None:
        self._emit({"event": "waiting", "message": message}, f"... {message}")

    def completed(self, stage: Stage, created: dt.datetime | None) -> None:
        when = stage.end or stage.start
        offset = f"+{format_seconds(max(0.0, (when - created).total_seconds()))}" if when and created else "?"
        self._emit({"event": "stage", "name": stage.name, "status": stage.status.value, "end": iso(stage.end),
                    "actor": stage.actor},
                   f"{offset:>8}  done  {stage.name:<21} {stage.actor}")

    def finished(self, step: FollowStep) -> None:
        if step.deleted:
            self._emit({"event": "deleted"}, "the pod was deleted")
        elif step.ready:
            self._emit({"event": "ready"}, "the pod is Ready")
        elif step.stuck is not None:
            diagnosis = step.stuck.diagnosis
            self._emit({"event": "stuck", "stage": step.stuck.stage, "reason": diagnosis.reason,
                        "explanation": diagnosis.explanation, "next": list(diagnosis.next)},
                       f"stuck at {step.stuck.stage}: {diagnosis.reason}\n{diagnosis.explanation}\nnext:\n"
                       + "\n".join(f"  {c}" for c in diagnosis.next))
        else:
            self._emit({"event": "ended"}, "the pod has finished")

    def timed_out(self, timeout: int, follower: Follower) -> None:
        done = ", ".join(sorted(follower.reported)) or "nothing yet"
        self._emit({"event": "timeout", "seconds": timeout, "done": sorted(follower.reported)},
                   f"stopped following after {timeout}s without Ready or a failure (done: {done}); "
                   "run `kubectl arch trace` again for the full picture")
