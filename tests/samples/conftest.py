"""Fixtures for the sample tests: each bundled sample loaded once, and its objects read straight from YAML."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.sample_source import SAMPLES_DIR, Sample, load_sample, sample_names
from kubectl_arch.yamltext import safe_load_all

# The samples the foundation issue requires; a test fails if one of them disappears.
REQUIRED_SAMPLES = ("kind-ha", "kubeadm-degraded", "eks")


@dataclass
class SampleFiles:
    """A sample as loaded by the product (``sample``) and as written on disk (``objects`` with their file)."""

    sample: Sample
    folder: Path
    objects: list[tuple[str, dict[str, Any]]]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [obj for _file, obj in self.objects if obj.get("kind") == kind]

    def named(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        for obj in self.of_kind(kind):
            meta = obj["metadata"]
            if meta["name"] == name and meta.get("namespace") == namespace:
                return obj
        raise AssertionError(f"{self.sample.name} has no {kind} {namespace}/{name}")


def _read_objects(folder: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((folder / "objects").glob("*.yaml")):
        for doc in safe_load_all(path.read_text()):
            if doc:
                yield path.name, doc


_CACHE: dict[str, SampleFiles] = {}


def sample_files(name: str) -> SampleFiles:
    if name not in _CACHE:
        folder = SAMPLES_DIR / name
        _CACHE[name] = SampleFiles(load_sample(name), folder, list(_read_objects(folder)))
    return _CACHE[name]


@pytest.fixture(params=sample_names())
def every_sample(request: pytest.FixtureRequest) -> SampleFiles:
    """Each bundled sample in turn (the ones the trace engineer adds files to included)."""
    return sample_files(request.param)


@pytest.fixture
def kind_ha() -> SampleFiles:
    return sample_files("kind-ha")


@pytest.fixture
def degraded() -> SampleFiles:
    return sample_files("kubeadm-degraded")


@pytest.fixture
def eks() -> SampleFiles:
    return sample_files("eks")
