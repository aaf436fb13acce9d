"""Lazy collections for the test API server: objects made from their index when a page asks for them.

A ``GeneratedCollection`` is a list of ``Segment``s (one namespace, a count, a function from index to
object and its inverse from name to index), so serving page ``k`` synthesises one page, counting what
remains costs nothing and a GET by name makes one object. ``ApiStore`` uses ``count`` and ``find`` when a
collection has them (kubectl_arch/collect/apistore.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

# Pod name suffixes look random (as the ReplicaSet controller's do) but encode the index, so they decode.
SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
SUFFIX_LENGTH = 5


@dataclass(frozen=True)
class Segment:
    """``count`` objects of one namespace ("" when cluster-scoped), made from their index on demand.

    ``index_of`` maps a name back to its index (None when the name is not in this segment), so a GET by
    name costs one object, not a scan.
    """

    namespace: str
    count: int
    make: Callable[[int], Obj]
    index_of: Callable[[str], int | None]
    labels: Mapping[str, str] | None = None  # the labels all its objects carry, when they are all the same


class GeneratedCollection:
    """A ``Collection`` (see kubectl_arch/collect/apistore.py) that never holds its objects."""

    def __init__(self, segments: list[Segment]) -> None:
        # Namespace order, like etcd's key order; segments of one namespace keep the order given.
        self.segments = sorted((s for s in segments if s.count > 0), key=lambda s: s.namespace)

    def _selected(self, namespace: str | None) -> list[Segment]:
        return [s for s in self.segments if namespace is None or s.namespace == namespace]

    def iter_from(self, namespace: str | None, start: int) -> Iterator[Obj]:
        for segment in self._selected(namespace):
            if start >= segment.count:
                start -= segment.count
                continue
            yield from (segment.make(i) for i in range(start, segment.count))
            start = 0

    def iter_selected(self, namespace: str | None, start: int,
                      labels_match: Callable[[Mapping[str, str]], bool]) -> Iterator[Obj | None]:
        """``iter_from``, with None for each object of a segment whose shared labels ``labels_match`` rejects:
        those are never made, as a real API server filters its cache without building answers."""
        for segment in self._selected(namespace):
            if start >= segment.count:
                start -= segment.count
                continue
            if segment.labels is not None and not labels_match(segment.labels):
                yield from itertools.repeat(None, segment.count - start)
            else:
                yield from (segment.make(i) for i in range(start, segment.count))
            start = 0

    def count(self, namespace: str | None) -> int:
        """How many objects ``iter_from(namespace, 0)`` yields, without making them."""
        return sum(s.count for s in self._selected(namespace))

    def find(self, namespace: str | None, name: str) -> Obj | None:
        """The object called ``name`` in ``namespace``, or None."""
        for segment in self._selected(namespace):
            index = segment.index_of(name)
            if index is not None and 0 <= index < segment.count:
                return segment.make(index)
        return None


def numbered(prefix: str, width: int, first: int = 0) -> Callable[[str], int | None]:
    """The inverse of ``f"{prefix}{first + i:0{width}d}"``."""

    def index_of(name: str) -> int | None:
        digits = name.removeprefix(prefix)
        if digits == name or len(digits) != width or not digits.isdigit():
            return None
        return int(digits) - first

    return index_of


def fixed(names: list[str]) -> Callable[[str], int | None]:
    """The index of a name in a short fixed list."""
    positions = {name: i for i, name in enumerate(names)}
    return positions.get


def single(namespace: str, obj: Obj) -> Segment:
    """A segment of exactly one object."""
    return Segment(namespace, 1, lambda _i: obj, fixed([obj["metadata"]["name"]]))


def encode_suffix(index: int) -> str:
    """A random-looking 5-letter suffix that encodes ``index`` (after a reversible shuffle)."""
    scrambled = (index * 7_919 + 104_729) % len(SUFFIX_ALPHABET) ** SUFFIX_LENGTH
    letters = []
    for _ in range(SUFFIX_LENGTH):
        scrambled, digit = divmod(scrambled, len(SUFFIX_ALPHABET))
        letters.append(SUFFIX_ALPHABET[digit])
    return "".join(letters)


_MODULUS = len(SUFFIX_ALPHABET) ** SUFFIX_LENGTH
_INVERSE = pow(7_919, -1, _MODULUS)


def decode_suffix(suffix: str) -> int | None:
    if len(suffix) != SUFFIX_LENGTH or any(c not in SUFFIX_ALPHABET for c in suffix):
        return None
    scrambled = 0
    for letter in reversed(suffix):
        scrambled = scrambled * len(SUFFIX_ALPHABET) + SUFFIX_ALPHABET.index(letter)
    return ((scrambled - 104_729) * _INVERSE) % _MODULUS


def uid(*parts: object) -> str:
    """A stable UUID-shaped id for an object (the same object always gets the same uid)."""
    digest = 0xCBF29CE484222325
    for byte in "/".join(map(str, parts)).encode():  # FNV-1a, 64 bits, twice for 128
        digest = ((digest ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    low = (digest * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    text = f"{digest:016x}{low:016x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:32]}"


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
