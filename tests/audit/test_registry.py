"""Discovery fails loudly on a broken catalogue, and need selection follows --check / --include-workloads."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubectl_arch.audit.registry import CatalogueError, catalogue, discover, needs_for, options_of, select
from kubectl_arch.errors import UsageError

GOOD_CHECK = """
from kubectl_arch.audit.check import CheckMeta, CheckOption, Finding, OptionKind, Status

META = CheckMeta(id="{id}", title="t", component="nodes", why="w", fix="f",
                 references=("https://kubernetes.io/",), needs=({needs}), options=({options}))


def evaluate(data, thresholds):
    return [Finding(META.id, Status.PASS, "ok")]
"""


@pytest.fixture
def package(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """An empty importable package, unique per test so imports never hit the module cache."""
    name = f"fake_checks_{request.node.name.replace('[', '_').replace(']', '_').replace('-', '_')}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    yield root
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


def _check(package: Path, folder: str, check_id: str | None = None, needs: str = '"nodes",', options: str = "") -> None:
    (package / folder).mkdir()
    source = GOOD_CHECK.format(id=check_id or folder.replace("_", "-"), needs=needs, options=options)
    (package / folder / "__init__.py").write_text(textwrap.dedent(source))


def test_discovers_every_valid_folder(package: Path) -> None:
    _check(package, "node_one")
    _check(package, "node_two")
    assert list(discover(package.name)) == ["node-one", "node-two"]


def test_a_folder_without_init_fails_loudly(package: Path) -> None:
    _check(package, "node_one")
    (package / "lost_check").mkdir()
    (package / "lost_check" / "check.py").write_text("")
    with pytest.raises(CatalogueError, match=r"lost_check has no __init__\.py"):
        discover(package.name)


def test_a_module_that_does_not_import_fails_loudly(package: Path) -> None:
    _check(package, "node_one")
    (package / "node_one" / "__init__.py").write_text("import does_not_exist_anywhere\n")
    with pytest.raises(CatalogueError, match="does not import"):
        discover(package.name)


def test_an_id_different_from_the_folder_is_refused(package: Path) -> None:
    _check(package, "node_one", check_id="node-1")
    with pytest.raises(CatalogueError, match="must be 'node-one'"):
        discover(package.name)


def test_an_unknown_need_is_refused(package: Path) -> None:
    _check(package, "node_one", needs='"no-such-need",')
    with pytest.raises(CatalogueError, match="no-such-need"):
        discover(package.name)


def test_a_loose_module_is_refused(package: Path) -> None:
    (package / "stray.py").write_text("")
    with pytest.raises(CatalogueError, match="not a check folder"):
        discover(package.name)


def test_missing_teaching_text_is_refused(package: Path) -> None:
    _check(package, "node_one")
    path = package / "node_one" / "__init__.py"
    path.write_text(path.read_text().replace('why="w"', 'why=" "'))
    with pytest.raises(CatalogueError, match="teaching text"):
        discover(package.name)


def test_a_flag_two_checks_share_is_declared_once(package: Path) -> None:
    _check(package, "node_one", options='CheckOption("node-dir", "Where nodes are.", OptionKind.DIR, "DIR"),')
    _check(package, "node_two", options='CheckOption("node-dir", "Where nodes are.", OptionKind.DIR, "DIR"),')
    assert [o.name for o in options_of(discover(package.name).values())] == ["node-dir"]


def test_one_flag_declared_two_ways_is_refused(package: Path) -> None:
    _check(package, "node_one", options='CheckOption("node-dir", "Where nodes are.", OptionKind.DIR, "DIR"),')
    _check(package, "node_two", options='CheckOption("node-dir", "Elsewhere.", OptionKind.FILE, "FILE"),')
    with pytest.raises(CatalogueError, match="--node-dir is declared differently by check node-two"):
        discover(package.name)


@pytest.mark.parametrize("option", ['"node-dir"', 'CheckOption("--node-dir", "h", OptionKind.DIR, "DIR")',
                                    'CheckOption("node_dir", "h", OptionKind.DIR, "DIR")',
                                    'CheckOption("node-dir", " ", OptionKind.DIR, "DIR")'],
                         ids=["bare-name", "dashes", "underscore", "no-help"])
def test_an_option_without_a_flag_name_and_help_is_refused(package: Path, option: str) -> None:
    _check(package, "node_one", options=option + ",")
    with pytest.raises(CatalogueError, match="not a named, explained CheckOption"):
        discover(package.name)


def test_workload_checks_run_only_when_asked() -> None:
    workload_ids = {c.id for c in catalogue().values() if c.meta.workloads}
    assert {"pods-without-requests", "large-configmaps"} <= workload_ids
    assert not workload_ids & {c.id for c in select()}
    assert workload_ids <= {c.id for c in select(include_workloads=True)}
    assert "pod-requests-summary" not in needs_for()
    assert "pod-requests-summary" in needs_for(include_workloads=True)
    # Naming a workload check is opting in to it.
    assert needs_for(["pods-without-requests"]) == ["pod-requests-summary"]


def test_needs_for_a_subset_is_only_that_subset() -> None:
    assert needs_for(["node-readiness"]) == ["nodes", "nodes-full"]
    # apiserver-health names the log command of the cluster's distribution: /version and the nodes tell it
    assert set(needs_for(["apiserver-health"])) == {"readyz", "livez", "version", "nodes", "kubeadm-config"}


def test_unknown_check_id_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown check id"):
        select(["no-such-check"])
