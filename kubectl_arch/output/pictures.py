"""SVG and HTML pictures: a scene of boxes, arrows and text laid out by the caller, drawn by Jinja templates.

Every renderer (explain's diagram, trace's Gantt chart, audit's page) computes geometry in plain Python
and hands a ``Scene`` to one SVG template, so the drawing rules (colours, markers, escaping) live once.
Jinja autoescapes every value for markup; ``clean`` removes what XML cannot carry (control characters).
Jinja is imported lazily so ``kubectl arch --help`` never loads it.
"""

from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

# States every picture marks the same way (colour, dash and a word, so it reads without colour too).
OK, WARN, BAD, OFF, HIDDEN, INFO = "ok", "warn", "bad", "off", "hidden", "info"

FONT_SIZE = 12.0
TITLE_SIZE = 13.0
# Advances in ems, generous for the widest common sans-serif (DejaVu Sans), so fitted text never spills.
_NARROW, _WIDE, _UPPER, _OTHER = set("il.,:;'|!jftrI()[]/ ·"), set("mwMW%@"), 0.74, 0.64
LINE_HEIGHT = 16.0

def clean(value: Any) -> Any:
    """Strings through the one sanitiser (output/sanitise.py): control characters, bidi overrides and lone
    surrogates are shown as text, so nothing XML 1.0 cannot hold remains; other values pass through.

    Markup characters are left to Jinja's autoescape, so ``<``, ``&`` and quotes show as typed.
    """
    from markupsafe import Markup

    from kubectl_arch.output.sanitise import visible

    if isinstance(value, Markup):  # already-safe markup (a rendered SVG) stays markup
        return Markup(visible(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """An upper estimate of the rendered width in pixels (no font metrics needed, so output is deterministic)."""
    ems = sum(0.36 if c in _NARROW else 0.92 if c in _WIDE else _UPPER if c.isupper() else _OTHER for c in text)
    return ems * size * (1.12 if bold else 1.05)


def badge_width(badge: str) -> float:
    """Room the corner badge takes from a box's title."""
    return text_width(badge, 11.0) + 8


def fit(text: str, width: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels (the full text goes in the box's tooltip)."""
    if text_width(text, size, bold) <= width:
        return text
    cut = text
    while cut and text_width(cut + "…", size, bold) > width:
        cut = cut[:-1]
    return cut + "…"


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """``text`` broken into lines that fit ``width`` pixels."""
    room = max(8, int(width / (size * _OTHER)))
    return textwrap.wrap(text, room, break_on_hyphens=False) or [""]


@dataclass
class Line:
    """One line of text in a box; ``state`` colours it (a NotReady instance, a failing check)."""

    text: str
    state: str = ""
    bold: bool = False
    suffix: str = ""  # kept whole when the text is cut to fit: " (leader)", " not ready"


@dataclass
class Box:
    """A labelled rectangle: a component, a node group, a Gantt bar's row label.

    ``kind`` is ``box`` (labelled, must not overlap another), ``boundary`` (a group drawn around boxes),
    ``bar`` (a Gantt bar) or ``datastore`` (drawn as a cylinder).
    """

    x: float
    y: float
    w: float
    h: float
    title: str = ""
    lines: list[Line] = field(default_factory=list)
    state: str = OK
    tooltip: list[str] = field(default_factory=list)
    kind: str = "box"
    badge: str = ""  # a short word in the top-right corner: "leader", "stuck", "hidden"
    ident: str = ""
    title_below: bool = False  # a boundary's title in a band at its bottom (arrows leave through its top)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def fitted(self, text: str, size: float = FONT_SIZE, bold: bool = False) -> str:
        return fit(text, self.w - 2 * PAD, size, bold)

    def line_text(self, line: Line) -> str:
        room = self.w - 2 * PAD - text_width(line.suffix, FONT_SIZE, line.bold)
        return fit(line.text, room, FONT_SIZE, line.bold) + line.suffix


PAD = 10.0


@dataclass
class Arrow:
    """A path from ``points[0]`` to ``points[-1]`` with an arrowhead at the end (orthogonal segments)."""

    points: list[tuple[float, float]]
    label: str = ""
    label_at: tuple[float, float] | None = None
    state: str = ""
    dashed: bool = False

    @property
    def path(self) -> str:
        first, *rest = self.points
        return f"M{first[0]:.1f},{first[1]:.1f} " + " ".join(f"L{x:.1f},{y:.1f}" for x, y in rest)


@dataclass
class Label:
    """Free text: headings, axis ticks, captions."""

    x: float
    y: float
    text: str
    cls: str = ""
    anchor: str = "start"
    tooltip: str = ""


@dataclass
class Rule:
    """A thin line: axis gridlines, a "now" marker."""

    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = ""


@dataclass
class Scene:
    """Everything one SVG shows, in drawing order: boundaries, rules, arrows, boxes, labels."""

    width: float
    height: float
    title: str
    description: str = ""
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    kind: str = "diagram"
    id_suffix: str = ""  # added to every id, so several pictures can share one page ("-2", "-3" ...)

    @property
    def boundaries(self) -> list[Box]:
        return [b for b in self.boxes if b.kind == "boundary"]

    @property
    def shapes(self) -> list[Box]:
        return [b for b in self.boxes if b.kind != "boundary"]


def overlapping(boxes: list[Box]) -> list[tuple[Box, Box]]:
    """Pairs of labelled boxes whose rectangles intersect (touching edges do not count)."""
    labelled = [b for b in boxes if b.kind in ("box", "datastore")]
    pairs = []
    for index, first in enumerate(labelled):
        for second in labelled[index + 1:]:
            if first.x < second.right and second.x < first.right and first.y < second.bottom and \
                    second.y < first.bottom:
                pairs.append((first, second))
    return pairs


def code_spans(text: str) -> Any:
    """Prose with `backtick` spans as <code>, everything else escaped (check texts quote commands so)."""
    from markupsafe import Markup, escape

    parts = clean(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as written
        return escape(clean(text))
    return Markup("").join(escape(part) if index % 2 == 0 else Markup("<code>%s</code>") % part
                           for index, part in enumerate(parts))


@functools.cache
def environment() -> Environment:
    """The one Jinja environment: templates of this package, autoescape always on, values cleaned."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kubectl_arch.output", "templates"),
        autoescape=True,
        finalize=clean,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(fit=fit, badge_width=badge_width)
    env.filters["ticks"] = code_spans
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def svg(scene: Scene, standalone: bool = True) -> str:
    """The scene as SVG: a document of its own (``standalone``) or an element to place inside HTML."""
    return render("scene.svg.j2", scene=scene, standalone=standalone, font=FONT_SIZE, title_size=TITLE_SIZE,
                  line_height=LINE_HEIGHT, pad=PAD)
