"""The pictures as a person sees them: opened in headless Chromium at a laptop and a phone size.

Each page is loaded from a file (no server, no network), screenshotted, and checked for console errors,
for the diagram fitting the viewport, for labelled boxes that overlap and for text spilling out of its
box, with positions measured by the browser's own layout and fonts. One browser serves the module.
Debian's chromium and chromium-driver are installed by `make test` where possible; elsewhere this skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.report.html import to_html
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.render.diagram import explain_html, explain_svg
from kubectl_arch.trace.render.gantt import trace_html, trace_svg
from tests.pictures import cases
from tools.headless import BrowserMissing, chromium, viewport

pytestmark = pytest.mark.heavy  # a real Chromium opens every picture at two sizes (`make test-quick` leaves it out)

VIEWPORTS = ((1280, 800), (390, 844))
SMALLEST_READABLE_PX = 10.0  # a page's picture never shrinks its text below this: it scrolls sideways instead
TRACES = (("kind-ha", "shop", "pod/cart-6b8d7f9c5d-cqhfr"), ("kubeadm-degraded", "payments", "deployment/checkout"),
          ("kind-ha", "kube-system", "daemonset/kube-proxy"), ("kind-ha", "default", "deployment/web"))

MEASURE = """
const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const svg = document.querySelector('#diagram svg') || document.querySelector('svg');
const shapes = Array.from(document.querySelectorAll('[data-label]')).map(g => {
  const shape = g.querySelector('.ka-shape');
  const box = shape.getBBox();
  const spill = Array.from(g.querySelectorAll('text')).filter(t => {
    const b = t.getBBox();
    return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5;
  }).map(t => t.textContent);
  return {label: g.getAttribute('data-label'), rect: rect(shape), spill: spill};
});
// The smallest text of the picture as drawn: its font size times the picture's scale on screen.
const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
const sizes = Array.from(svg.querySelectorAll('text')).map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
const figure = document.querySelector('#diagram');
return {svg: rect(svg), width: window.innerWidth, height: window.innerHeight,
        scrollWidth: document.documentElement.scrollWidth, shapes: shapes, smallestText: Math.min(...sizes),
        figure: figure ? rect(figure) : null, figureScrolls: figure ? figure.scrollWidth > figure.clientWidth : false,
        standalone: document.documentElement.tagName.toLowerCase() === 'svg'};
"""


def _pages(folder: Path) -> list[Path]:
    """Every sample's architecture (SVG and HTML), two traces and two audit pages, written to files."""
    pages: dict[str, str] = {}
    for name in sample_names():
        cluster = cases.sample_map(name)
        pages[f"explain-{name}.svg"] = explain_svg(cluster)
        pages[f"explain-{name}.html"] = explain_html(cluster)
    for sample, namespace, target in TRACES:
        view = cases.trace_set(sample, namespace, target)
        stem = f"trace-{sample}-{target.replace('/', '-')}"
        pages[f"{stem}.svg"] = trace_svg(view)
        pages[f"{stem}.html"] = trace_html(view)
    two = [cases.audit_report("kind-ha"), cases.audit_report("kubeadm-degraded")]
    pages["audit-two-clusters.html"] = to_html(two, Status.FAIL, [build_map(r.data) for r in two if r.data])
    for sample in ("kubeadm-degraded", "eks"):
        audit = cases.audit_report(sample)
        assert audit.data is not None
        pages[f"audit-{sample}.html"] = to_html([audit], Status.FAIL, [build_map(audit.data)])
    paths = []
    for file_name, text in pages.items():
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        with chromium(log_console=True) as driver:
            yield driver
    except BrowserMissing as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _pages(tmp_path_factory.mktemp("pictures"))


def _look(driver: Any, page: Path, width: int, height: int, shots: Path) -> dict[str, Any]:
    viewport(driver, width, height)
    driver.get_log("browser")  # drop what an earlier page logged
    driver.get(page.as_uri())
    shot = shots / f"{page.stem}-{page.suffix[1:]}-{width}x{height}.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 5000, f"blank screenshot of {page.name}"
    found: dict[str, Any] = driver.execute_script(MEASURE)
    found["errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    return found


def _overlaps(shapes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs = []
    for index, first in enumerate(shapes):
        a = first["rect"]
        for second in shapes[index + 1:]:
            b = second["rect"]
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                pairs.append((first["label"], second["label"]))
    return pairs


@pytest.mark.parametrize("width,height", VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_every_picture_fits_without_errors_or_overlaps(browser: Any, pages: list[Path], width: int, height: int,
                                                       tmp_path: Path) -> None:
    shots = Path(os.environ.get("KUBECTL_ARCH_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for page in pages:
        seen = _look(browser, page, width, height, shots)
        left, top, right, bottom = seen["figure"] or seen["svg"]  # a page's picture scrolls inside its frame
        if seen["errors"]:
            problems.append(f"{page.name}: console errors {seen['errors']}")
        if left < -0.5 or right > seen["width"] + 0.5 or seen["scrollWidth"] > seen["width"]:
            problems.append(f"{page.name}: diagram {left:.0f}..{right:.0f} wider than the {seen['width']}px viewport")
        if seen["standalone"] and (top < -0.5 or bottom > seen["height"] + 0.5):
            problems.append(f"{page.name}: diagram {top:.0f}..{bottom:.0f} taller than the viewport")
        if not seen["standalone"] and seen["smallestText"] < SMALLEST_READABLE_PX:
            problems.append(f"{page.name}: text drawn {seen['smallestText']:.1f}px high, below "
                            f"{SMALLEST_READABLE_PX}px")
        if not seen["standalone"] and seen["figureScrolls"] != (width < 1000):
            problems.append(f"{page.name}: the picture {'does not scroll' if width < 1000 else 'scrolls'} "
                            f"sideways at {width}px")
        if not seen["shapes"]:
            problems.append(f"{page.name}: no labelled boxes found")
        problems += [f"{page.name}: {a!r} overlaps {b!r}" for a, b in _overlaps(seen["shapes"])]
        problems += [f"{page.name}: text spills out of {s['label']!r}: {s['spill']}" for s in seen["shapes"]
                     if s["spill"]]
    assert not problems, "\n".join(problems)
