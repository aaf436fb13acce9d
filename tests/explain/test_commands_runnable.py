"""Every command a component page prints is a command line that runs as printed: a trailing ``# ...`` is only
ever a comment, never hiding part of the command (k3s's etcdctl prefix ends in a comment, and a subcommand
appended after it was silently commented out), and no line stands for "the same prefix as above"."""

from __future__ import annotations

import re
import shlex

import pytest

from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.pages import PAGES, page_commands
from tests.explain.fixtures import LAYOUTS, VARIANTS, cluster_data

CLUSTERS = [*sample_names(), *VARIANTS, *LAYOUTS]
ETCD_TOOLS = ("etcdctl", "etcdutl")
# What etcdctl/etcdutl are asked to do: a command line naming the tool names one of these after it.
ETCD_SUBCOMMANDS = ("endpoint", "member", "alarm", "snapshot", "defrag", "get", "put", "del", "watch", "check",
                    "version", "move-leader", "compaction")


def split_comment(line: str) -> tuple[str, str]:
    """A shell line's code and its comment: ``#`` starts a comment at the start of a word, outside quotes."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip(), line[index + 1:].strip()
    return line, ""


def test_split_comment_reads_the_shell_s_rule() -> None:
    assert split_comment("etcdctl --key=a   # on a server; k3s ships no etcdctl endpoint status") == \
        ("etcdctl --key=a", "on a server; k3s ships no etcdctl endpoint status")
    assert split_comment("kubectl get nodes -o jsonpath='{.a#b}' # note") == \
        ("kubectl get nodes -o jsonpath='{.a#b}'", "note")
    assert split_comment("# back up first:") == ("", "back up first:")


def _problems(command: str) -> list[str]:
    problems = []
    lines = command.split("\n")
    for number, line in enumerate(lines):
        code, comment = split_comment(line)
        try:
            words = shlex.split(code)
        except ValueError as error:
            problems.append(f"{line!r}: {error}")
            continue
        if not words:
            if number == len(lines) - 1:
                problems.append(f"{command!r} ends in a comment line with no command after it")
            continue
        if any(word in ("...", "…") for word in words):
            problems.append(f"{line!r} stands for a command instead of being one")
        tools = [i for i, word in enumerate(words) if word.rsplit("/", 1)[-1] in ETCD_TOOLS]
        if tools and not any(word in ETCD_SUBCOMMANDS for word in words[tools[-1] + 1:]):
            problems.append(f"{line!r}: {words[tools[-1]]} is given no subcommand before the comment")
        if re.search(r"(^|\s)--?[a-z][a-z-]*(=|\s|$)", comment) or \
                any(re.search(rf"\b{word}\b", comment) for word in ("endpoint status", "member list", "alarm list")):
            problems.append(f"{line!r}: its comment holds what reads as part of the command ({comment!r})")
    return problems


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_every_page_command_is_a_runnable_command_line(cluster: str) -> None:
    built = build_map(cluster_data(cluster))
    problems = [f"{page.key}: {problem}" for page in PAGES for command in page_commands(page, built)
                for problem in _problems(command)]
    assert problems == []
