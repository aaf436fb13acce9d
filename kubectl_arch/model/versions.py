"""Kubernetes and component versions: parse ``v1.32.2``, ``v1.31.4-eks-2d5f260``, ``v1.31.4+k3s1``, image tags.

Distributions append their own build marks; comparisons use only major.minor.patch, because that is
what the version-skew policy speaks about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(.*)$")


@dataclass(frozen=True, order=True)
class Version:
    """A version's numeric core; ``suffix`` keeps the distribution's mark (``-eks-2d5f260``, ``+k3s1``)."""

    major: int
    minor: int
    patch: int = 0
    suffix: str = field(default="", compare=False)

    @property
    def core(self) -> tuple[int, int, int]:
        """major.minor.patch without the distribution's mark: ``v1.20.0+bafe72f`` and ``1.20.0`` agree."""
        return self.major, self.minor, self.patch

    @property
    def minor_version(self) -> str:
        return f"v{self.major}.{self.minor}"

    def __str__(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}{self.suffix}"


def parse_version(text: str | None) -> Version | None:
    """Parse a version string; None when it is not one (e.g. an image tag like ``latest``)."""
    if not text or not isinstance(text, str):  # cluster data: a version field may hold anything
        return None
    match = _VERSION.match(text.strip())
    if not match:
        return None
    major, minor, patch, suffix = match.groups()
    return Version(int(major), int(minor), int(patch or 0), suffix or "")


def minor_skew(newer: Version, older: Version) -> int:
    """How many minor releases ``older`` is behind ``newer`` (negative when it is ahead)."""
    return (newer.major - older.major) * 100 + newer.minor - older.minor


def image_tag(image: str | None) -> str | None:
    """The tag of an image reference (``registry:5000/kube-apiserver:v1.32.2@sha256:...`` -> ``v1.32.2``)."""
    if not image or not isinstance(image, str):  # cluster data: an image field may hold anything
        return None
    reference = image.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def version_from_image(image: str | None, *, strip_build: bool = False) -> str | None:
    """The version an image tag carries; ``strip_build`` drops a packaging suffix (etcd's ``3.5.16-0``)."""
    tag = image_tag(image)
    if tag is None or parse_version(tag) is None:
        return tag
    if strip_build:
        tag = re.sub(r"-\d+$", "", tag)
    return tag
