"""The copy of kubectl-arch the benchmark times: installed from the checkout as a user's pip or pipx would.

An editable checkout pays costs no installed copy does: setuptools' editable finder is imported by every
Python start (about 6 ms, a fifth of ``kubectl-arch --help``), and without bytecode each run compiles every
module from source. So the runner installs the checkout, not editable, into a venv of its own whose
dependencies are this environment's (one ``.pth`` line: nothing is downloaded but the build backend pip
isolates, which is cached). Where that install cannot be made (offline, no pip), the editable copy is timed
with its modules compiled first, and the report says which was timed.
"""

from __future__ import annotations

import compileall
import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis", ".work")


@dataclass(frozen=True)
class Product:
    """The ``kubectl-arch`` executable timed, and how it was installed (for the report)."""

    executable: str
    how: str

    @property
    def bin_dir(self) -> str:
        return str(Path(self.executable).parent)


def install_product(workdir: Path) -> Product:
    """kubectl-arch installed from ROOT into ``workdir/product`` (not editable), else the editable copy compiled."""
    target = workdir / "product"
    try:
        # From a copy: pip builds a local directory in place (build/, *.egg-info), which races with anything
        # else reading or compiling the checkout meanwhile.
        source = Path(shutil.copytree(ROOT, workdir / "source", ignore=shutil.ignore_patterns(*NOT_SOURCE)))
        venv.create(target, with_pip=False, symlinks=True)
        purelib = Path(sysconfig.get_paths(vars={"base": str(target), "platbase": str(target)})["purelib"])
        purelib.mkdir(parents=True, exist_ok=True)
        (purelib / "benchmark-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        # --ignore-installed: pip would otherwise uninstall the editable copy it finds in this environment.
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--compile",
                               "--ignore-installed", "--prefix", str(target), str(source)],
                              capture_output=True, text=True, check=False)
    except (OSError, shutil.Error) as exc:
        return _editable(f"installing it failed ({exc})")
    executable = target / "bin" / "kubectl-arch"
    if done.returncode != 0 or not executable.exists():
        reason = (done.stderr.strip().splitlines() or ["no kubectl-arch was installed"])[-1]
        return _editable(f"installing it failed ({reason[:200]})")
    _point_at(executable, target / "bin" / "python")
    return Product(str(executable), "kubectl-arch was installed from the checkout as pip installs a package (not "
                                    "editable, modules compiled to bytecode)")


def _point_at(script: Path, python: Path) -> None:
    """The console script pip wrote under ``--prefix`` names the installing interpreter: make it the venv's, whose
    ``sys.prefix`` finds the installed package and (through the .pth) the dependencies."""
    lines = script.read_text().splitlines(keepends=True)
    if lines and lines[0].startswith("#!"):
        lines[0] = f"#!{python}\n"
        script.write_text("".join(lines))


def _editable(why: str) -> Product:
    compile_product()
    return Product(environment_executable(),
                   f"the editable checkout was timed, its modules compiled to bytecode first: {why}")


def environment_executable() -> str:
    """The ``kubectl-arch`` of the environment running the benchmark (beside its Python), else the one on PATH."""
    beside = Path(sys.executable).parent / "kubectl-arch"
    return str(beside) if beside.exists() else shutil.which("kubectl-arch") or "kubectl-arch"


def compile_product() -> None:
    """Compile the product's modules to bytecode before timing it, as pip does when it installs a wheel.

    An editable checkout is compiled on first import and the bytecode cached, unless PYTHONDONTWRITEBYTECODE
    is set (it is on some machines): then every run would compile ~200 modules from source, about 0.4 s a
    run that no installed copy pays. ``compileall`` writes the cache whatever that variable says.
    """
    for package in ("kubectl_arch", "kubectl_arch.checks"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)
