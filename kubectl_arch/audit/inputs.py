"""The audit command's check-owned flags, built from the catalogue: each check declares its inputs once.

A check lists its ``CheckOption``s in ``META.options``; this module turns them into click options and the
given values into ``data.options``. Nothing else names them, so a new check input needs no CLI change beyond
``python tools/render_check_options.py``: the flags are read from ``declared_options.py``, the catalogue's
declarations written out (a test holds them equal), so building the command imports no check and a live
audit's first request goes out before the catalogue loads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from kubectl_arch.audit.check import CheckOption, OptionKind
from kubectl_arch.audit.declared_options import OPTIONS

F = TypeVar("F", bound=Callable[..., Any])

_TYPES: dict[OptionKind, click.ParamType | None] = {
    OptionKind.FILE: click.Path(dir_okay=False),
    OptionKind.DIR: click.Path(file_okay=False),
    OptionKind.URLS: None,
}


def _parameter(option: CheckOption) -> str:
    """click's parameter name for the flag: ``etcd-endpoints`` -> ``etcd_endpoints``."""
    return option.name.replace("-", "_")


def check_flags(func: F) -> F:
    """Add one flag per input the catalogue declares; the command receives them as ``check_inputs``.

    ``check_inputs`` maps each given flag's name (``etcd-endpoints``) to its raw text; ``check_options``
    turns that into ``data.options``.
    """
    @functools.wraps(func)
    def collect(**kwargs: Any) -> Any:
        given = {option.name: kwargs.pop(_parameter(option)) for option in OPTIONS}
        return func(check_inputs={name: value for name, value in given.items() if value}, **kwargs)

    wrapped: Any = collect
    for option in reversed(OPTIONS):
        wrapped = click.option(f"--{option.name}", _parameter(option), metavar=option.metavar,
                               type=_TYPES[option.kind], help=option.help)(wrapped)
    return wrapped


def check_options(check_inputs: Mapping[str, str]) -> dict[str, Any]:
    """The given inputs as checks read them in ``data.options``; a malformed value raises ``UsageError``."""
    declared = {option.name: option for option in OPTIONS}
    return {name: declared[name].parse(value) for name, value in check_inputs.items()}
