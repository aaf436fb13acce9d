"""``kubectl_complete-arch``: completions for ``kubectl arch <TAB>``, asked for by kubectl itself.

kubectl (1.26 and later) completes a plugin's arguments by running an executable named
``kubectl_complete-<plugin>`` found on PATH with the words typed after the plugin name, the last one
being the word under completion ("" for a new word). It reads one completion per line, optionally
``value<TAB>description``, and a last line ``:<directive>`` in Cobra's format. The candidates come from
the same click completion that ``kubectl-arch completion SHELL`` uses, so the two never disagree.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# Cobra's ShellCompDirective values (spf13/cobra completions.go).
DIRECTIVE_DEFAULT = 0  # let the shell complete file names
DIRECTIVE_NO_FILE_COMP = 4  # offer only the candidates printed
DIRECTIVE_FILTER_DIRS = 16  # let the shell complete directory names


def completion_lines(words: Sequence[str]) -> list[str]:
    """kubectl's plugin-completion answer for the words typed after ``kubectl arch``."""
    from click.shell_completion import ShellComplete

    from kubectl_arch.cli.main import COMPLETE_VAR, cli

    args, incomplete = list(words[:-1]), words[-1] if words else ""
    items = ShellComplete(cli, {}, "kubectl arch", COMPLETE_VAR).get_completions(args, incomplete)
    if any(item.type == "file" for item in items):
        return [f":{DIRECTIVE_DEFAULT}"]
    if any(item.type == "dir" for item in items):
        return [f":{DIRECTIVE_FILTER_DIRS}"]
    lines = [f"{item.value}\t{item.help}" if item.help else str(item.value) for item in items]
    return [*lines, f":{DIRECTIVE_NO_FILE_COMP}"]


def main() -> None:
    """Entry point of the ``kubectl_complete-arch`` console script."""
    try:
        sys.stdout.write("".join(line + "\n" for line in completion_lines(sys.argv[1:])))
    except Exception:  # a completion must never print a traceback into the user's shell
        sys.stdout.write(f":{DIRECTIVE_DEFAULT}\n")
