"""What `pip install` ships: the lab's kind configs and the sample clusters are data, not modules.

setuptools' build_py step is what copies package data into a wheel; running it into a temporary folder
shows, without network or a wheel build, that nothing the lab or `--sample` reads is left behind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build")
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(out), "build_py", "--build-lib",
         str(out / "lib")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return out / "lib"


def data_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")}


def test_the_kind_configs_ship_in_the_package(built: Path) -> None:
    """kind-configs/ is the one copy: the build maps it to kubectl_arch/lab/configs, byte for byte."""
    shipped = built / "kubectl_arch" / "lab" / "configs"
    configs = sorted((REPO / "kind-configs").glob("*.yaml"))
    assert configs and data_files(shipped) == {p.name for p in configs}
    assert all((shipped / p.name).read_bytes() == p.read_bytes() for p in configs)


def test_every_sample_file_ships_in_the_package(built: Path) -> None:
    source = REPO / "kubectl_arch" / "samples"
    assert data_files(source), "there are sample clusters to ship"
    assert data_files(built / "kubectl_arch" / "samples") == data_files(source)


def test_the_picture_templates_ship_in_the_package(built: Path) -> None:
    source = REPO / "kubectl_arch" / "output" / "templates"
    assert data_files(source), "there are templates to ship"
    assert data_files(built / "kubectl_arch" / "output" / "templates") == data_files(source)


def test_both_executables_are_declared() -> None:
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["kubectl-arch"] == "kubectl_arch.cli.entry:main"
    assert scripts["kubectl_complete-arch"] == "kubectl_arch.cli.plugin_completion:main"
