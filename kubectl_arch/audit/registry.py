"""The check catalogue: every folder of ``kubectl_arch.checks``, imported and validated once.

Discovery fails loudly: a folder without ``__init__.py``, a module that does not import, a wrong id or
an unknown need raises ``CatalogueError`` naming the folder, because a check that silently vanishes
from the catalogue is a check that silently stops protecting the cluster.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kubectl_arch.audit.check import CheckMeta, CheckOption, Evaluate
from kubectl_arch.errors import UsageError

CATALOGUE_PACKAGE = "kubectl_arch.checks"

OPTION_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")  # a long flag without its dashes


class CatalogueError(Exception):
    """The catalogue itself is broken (a developer error): raised, never turned into a skipped check."""


@dataclass(frozen=True)
class Check:
    """A registered check: its metadata, its logic and the folder holding its fixtures."""

    meta: CheckMeta
    evaluate: Evaluate
    folder: Path

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def fixtures(self) -> list[Path]:
        return sorted((self.folder / "fixtures").glob("*.yaml"))

    @property
    def reads(self) -> list[str]:
        """What the check reads, in words from the needs catalogue (optional reads marked)."""
        from kubectl_arch.collect.needs import NEEDS

        return [NEEDS[n].description for n in self.meta.needs] + [
            f"{NEEDS[n].description} (if readable)" for n in self.meta.optional_needs]


def discover(package_name: str = CATALOGUE_PACKAGE) -> dict[str, Check]:
    """Import every check folder of ``package_name`` and validate it; ids in folder order."""
    package = importlib.import_module(package_name)
    checks: dict[str, Check] = {}
    for folder in _check_folders(package):
        check = _load(package_name, folder)
        if check.id in checks:
            raise CatalogueError(f"check id {check.id!r} is defined twice ({folder})")
        checks[check.id] = check
    options_of(checks.values())  # two checks sharing a flag must share its one declaration
    return checks


def _check_folders(package: ModuleType) -> list[Path]:
    folders: list[Path] = []
    for root in package.__path__:
        for entry in sorted(Path(root).iterdir()):
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_dir():
                if not (entry / "__init__.py").is_file():
                    raise CatalogueError(f"check folder {entry} has no __init__.py: the check would be lost")
                folders.append(entry)
            elif entry.suffix == ".py":
                raise CatalogueError(f"{entry} is a module, not a check folder: move it to {entry.stem}/__init__.py")
    return folders


def _load(package_name: str, folder: Path) -> Check:
    module_name = f"{package_name}.{folder.name}"
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise CatalogueError(f"check {module_name} does not import: {type(exc).__name__}: {exc}") from exc
    meta = getattr(module, "META", None)
    evaluate = getattr(module, "evaluate", None)
    if not isinstance(meta, CheckMeta):
        raise CatalogueError(f"check {module_name} defines no META of type CheckMeta")
    if not callable(evaluate):
        raise CatalogueError(f"check {module_name} defines no evaluate(data, thresholds) function")
    _validate_meta(meta, folder.name)
    return Check(meta=meta, evaluate=evaluate, folder=folder)


def _validate_meta(meta: CheckMeta, folder_name: str) -> None:
    from kubectl_arch.collect.needs import NEEDS

    expected = folder_name.replace("_", "-")
    if meta.id != expected:
        raise CatalogueError(f"check folder {folder_name!r} declares id {meta.id!r}; it must be {expected!r}")
    unknown_needs = [n for n in (*meta.needs, *meta.optional_needs) if n not in NEEDS]
    if unknown_needs:
        raise CatalogueError(f"check {meta.id} needs {unknown_needs} which no one registered in collect/needs.py")
    for option in meta.options:
        if not isinstance(option, CheckOption) or not OPTION_NAME.fullmatch(option.name) or not option.help.strip():
            raise CatalogueError(f"check {meta.id} declares an option that is not a named, explained CheckOption: "
                                 f"{option!r}")
    missing = [name for name in ("title", "component", "why", "fix") if not getattr(meta, name).strip()]
    if missing or not meta.references:
        raise CatalogueError(f"check {meta.id} lacks its teaching text: {missing or ['references']}")


@functools.cache
def catalogue() -> dict[str, Check]:
    """The bundled catalogue, loaded once per process."""
    return discover()


def select(check_ids: Iterable[str] | None = None, include_workloads: bool = False) -> list[Check]:
    """The checks to run: the named ones (naming a workload check opts into it), or every check.

    Workload checks list every pod, so a whole-catalogue run includes them only with --include-workloads.
    """
    checks = catalogue()
    if check_ids is None:
        return [c for c in checks.values() if include_workloads or not c.meta.workloads]
    wanted = list(dict.fromkeys(check_ids))
    unknown = [i for i in wanted if i not in checks]
    if unknown:
        raise UsageError(f"unknown check id(s): {', '.join(unknown)}",
                         hint="list them with `kubectl arch audit --list`")
    return [checks[i] for i in wanted]


def options_of(checks: Iterable[Check]) -> list[CheckOption]:
    """Every command-line input the checks declare, once each, grouped by the component the checks inspect.

    The audit command turns these into its flags. A name declared twice with different help or kind would
    give one flag two meanings, so it is a ``CatalogueError``.
    """
    options: dict[str, CheckOption] = {}
    for check in sorted(checks, key=lambda c: (c.meta.component, c.id)):
        for option in check.meta.options:
            known = options.setdefault(option.name, option)
            if known != option:
                raise CatalogueError(f"option --{option.name} is declared differently by check {check.id}: "
                                     "checks sharing an input must share one CheckOption")
    return list(options.values())


def needs_for(check_ids: Iterable[str] | None = None, include_workloads: bool = False) -> list[str]:
    """Names of every need the selected checks read (required and optional), each once."""
    names: list[str] = []
    for check in select(check_ids, include_workloads):
        names.extend(check.meta.needs)
        names.extend(check.meta.optional_needs)
    return list(dict.fromkeys(names))
