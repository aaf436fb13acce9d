"""`make pictures`: the README's three pictures, drawn by the CLI from bundled samples into docs/pictures/.

The architecture and the trace are the SVGs `-o svg` prints; the audit page is a screenshot of what
`audit -o html` prints, taken in headless Chromium (skipped with the reason when it is missing).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "pictures"
COMMANDS = {
    "explain-kubeadm-degraded.svg": ["explain", "--sample", "kubeadm-degraded", "-o", "svg"],
    "trace-kind-ha-cart.svg": ["trace", "pod", "cart-6b8d7f9c5d-cqhfr", "-n", "shop", "--sample", "kind-ha", "-o",
                               "svg"],
}
AUDIT = ["audit", "--sample", "kubeadm-degraded", "-o", "html"]
AUDIT_SHOT = "audit-kubeadm-degraded.png"
SHOT_SIZE = (1280, 1500)


def cli(args: list[str]) -> str:
    """The CLI's output; exit code 1 only means the audit found failures."""
    run = [sys.executable, "-c", "from kubectl_arch.cli.main import main; main()", *args]
    done = subprocess.run(run, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"kubectl-arch {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def main() -> None:
    sys.path.insert(0, str(REPO))
    from tools.headless import BrowserMissing, chromium, viewport

    OUT.mkdir(parents=True, exist_ok=True)
    for name, args in COMMANDS.items():
        (OUT / name).write_text(cli(args), encoding="utf-8")
        print(f"wrote docs/pictures/{name}")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "audit.html"
        page.write_text(cli(AUDIT), encoding="utf-8")
        try:
            with chromium() as driver:
                viewport(driver, *SHOT_SIZE)
                driver.get(page.as_uri())
                driver.save_screenshot(str(OUT / AUDIT_SHOT))
        except BrowserMissing as exc:
            print(f"skipped docs/pictures/{AUDIT_SHOT}: {exc}")
            return
    print(f"wrote docs/pictures/{AUDIT_SHOT}")


if __name__ == "__main__":
    main()
