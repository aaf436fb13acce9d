"""PyYAML's safe loader on libyaml when PyYAML was built with it, for every YAML text the tool parses in bulk.

libyaml parses several times faster than the pure-Python scanner, and its nesting limit turns hostile,
deeply nested text into a ``yaml.YAMLError`` where the pure-Python loader raises ``RecursionError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The one YAML document in ``text`` (None when empty), as ``yaml.safe_load`` gives it.

    libyaml reads UTF-8 bytes, and text with lone surrogates has none: such text goes to the pure-Python
    loader, which refuses it with a ``yaml.YAMLError`` as it always did.
    """
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except UnicodeEncodeError:
        return yaml.load(text, Loader=yaml.SafeLoader)


def safe_load_all(text: str) -> Iterator[Any]:
    """Each YAML document in ``text``, as ``yaml.safe_load_all`` gives them (text read from a file)."""
    return yaml.load_all(text, Loader=SAFE_LOADER)
