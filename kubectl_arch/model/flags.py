"""Command-line flags of a container, as a dict: the flags that matter are what operators tune."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubectl_arch.model import raw


def parse_flags(argv: Iterable[str]) -> dict[str, str]:
    """``--name=value`` and ``--name value`` pairs; a bare ``--flag`` maps to ``"true"``. The last one wins.

    Positional words (the binary name, sub-commands) are skipped.
    """
    flags: dict[str, str] = {}
    words = [str(w) for w in argv]
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith("-") or word in ("-", "--"):
            continue
        key = word.lstrip("-")
        if "=" in key:
            key, value = key.split("=", 1)
        elif index < len(words) and not words[index].startswith("-"):
            value = words[index]
            index += 1
        else:
            value = "true"
        flags[key] = value
    return flags


SHELLS = ("sh", "bash")


def container_flags(container: Mapping[str, Any]) -> dict[str, str]:
    """The flags of a container: its ``command`` followed by its ``args``, as the runtime joins them.

    A container that runs a shell script (``/bin/bash -c '... exec hyperkube kube-apiserver --x=y'``, as
    OpenShift's static pods do) gets the flags of the script's ``exec`` line.
    """
    argv = [str(w) for w in [*raw.sequence(container.get("command")), *raw.sequence(container.get("args"))]]
    script = shell_script(argv)
    if script is not None:
        return parse_flags(exec_words(script))
    return parse_flags(argv)


def shell_script(argv: list[str]) -> str | None:
    """The script of ``sh|bash [options] -c SCRIPT``; None for any other command line."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in SHELLS:
        return None
    for index, word in enumerate(argv[1:], start=1):
        if word.startswith("-") and not word.startswith("--") and "c" in word[1:]:
            return argv[index + 1] if index + 1 < len(argv) else None
    return None


def exec_words(script: str) -> list[str]:
    """The words of the script's last ``exec`` command (its line continuations joined); [] without one."""
    import shlex

    joined = script.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip().startswith("exec ")]
    if not lines:
        return []
    try:
        return shlex.split(lines[-1])[1:]
    except ValueError:
        return lines[-1].split()[1:]


def flag_list(value: str | None) -> list[str]:
    """A comma-separated flag value as a list (``--etcd-servers=a,b``), empty when unset."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]
