"""Entry point of ``kubectl-arch``: a click group whose commands are imported only when run.

Lazy loading keeps every ``--help`` fast: it imports neither the kubernetes client nor rich (the top-level
help does not even reach click: see ``cli.entry``).
Every ``ArchError`` becomes one line on stderr and its documented exit code; ``-v`` adds details.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from kubectl_arch import __version__
from kubectl_arch.cli.entry import COMPLETE_VAR, prog_name, without_cycle_collector
from kubectl_arch.cli.help_format import ArchContext, use_whole_word_help
from kubectl_arch.errors import ArchError, ExitCode

# name -> (module, attribute, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "explain": (
        "kubectl_arch.explain.command",
        "explain",
        "Map every component of the cluster and teach what each does.",
    ),
    "audit": ("kubectl_arch.audit.command", "audit", "Run the checks that decide whether the cluster survives."),
    "trace": (
        "kubectl_arch.trace.command",
        "trace",
        "Rebuild a pod's creation path, timed, and say where it is stuck.",
    ),
    "snapshot": (
        "kubectl_arch.snapshot.command",
        "snapshot",
        "Record what explain, audit and trace read, for offline use.",
    ),
    "samples": ("kubectl_arch.samples.command", "samples", "List the bundled sample clusters."),
    "rbac": ("kubectl_arch.rbac.command", "rbac", "Print the minimal read-only ClusterRole kubectl-arch needs."),
    "lab": ("kubectl_arch.lab.command", "lab", "Build a kind cluster to learn on (needs Docker and kind)."),
    "version": ("kubectl_arch.cli.main", "version", "Print the kubectl-arch version."),
    "completion": (
        "kubectl_arch.cli.main",
        "completion",
        "Print a shell completion script (bash, zsh, fish).",
    ),
}

EXIT_CODES_HELP = """Exit codes: 0 ok, 1 audit findings at or above --fail-on, 2 usage error or bad input file,
3 the cluster could not be read, 4 the named object does not exist, 130 interrupted."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command runs or completes."""

    context_class = ArchContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return use_whole_word_help(command)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Accept kubectl's flag forms (``-n=shop``, ``-o=json``, ``--insecure-skip-tls-verify=true``) for the
        command about to run."""
        from kubectl_arch.cli.options import pflag_forms

        name = next((a for a in args if not a.startswith("-")), None)
        command = self.get_command(ctx, name) if name in COMMANDS else None
        if command is None:
            return super().parse_args(ctx, args)
        params = _all_params(ctx, command)
        return super().parse_args(ctx, verbose_first(pflag_forms(args, params), params))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, _, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


VERBOSE_FLAGS = ("-v", "--verbose")


def verbose_first(args: list[str], params: list[click.Parameter]) -> list[str]:
    """``-v`` after the command moved before it, where the group reads it: kubectl takes ``-v`` after the command
    (``kubectl get pods -v``) and every unexpected error says "run with -v". The value of an option that takes
    one, anything after ``--``, and a command with a ``-v`` of its own are left alone."""
    options = [p for p in params if isinstance(p, click.Option)]
    if any(flag in p.opts + p.secondary_opts for p in options for flag in VERBOSE_FLAGS):
        return args
    takes_value = {opt for p in options if not p.is_flag and not p.count for opt in p.opts + p.secondary_opts}
    end = args.index("--") if "--" in args else len(args)
    moved = [i for i in range(end) if args[i] in VERBOSE_FLAGS and (i == 0 or args[i - 1] not in takes_value)]
    return [args[i] for i in moved] + [arg for i, arg in enumerate(args) if i not in moved]


def _all_params(ctx: click.Context, command: click.Command) -> list[click.Parameter]:
    """A command's parameters and those of its subcommands (``audit explain``)."""
    params = list(command.params)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            params += _all_params(ctx, sub) if sub is not None else []
    return params


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
    epilog=EXIT_CODES_HELP,
)
@click.option("-v", "--verbose", is_flag=True, help="Show details (tracebacks, requests) when something fails.")
@click.version_option(__version__, "--version", prog_name="kubectl-arch", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Show how your Kubernetes cluster is built, audit what keeps it alive, and explain what it finds.

    Read-only: kubectl-arch only ever sends GET (and watch) requests. Try it without a cluster:
    `kubectl arch explain --sample kind-ha`.
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def _verbose(argv: list[str]) -> bool:
    return "-v" in argv or "--verbose" in argv or bool(os.environ.get("KUBECTL_ARCH_DEBUG"))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every failure into one line and its exit code (the cycle collector off meanwhile:
    see ``cli.entry.without_cycle_collector``)."""
    without_cycle_collector(lambda: _main(argv))


def _main(argv: list[str] | None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = _verbose(args)
    try:
        code = cli.main(args=args, prog_name=prog_name(), complete_var=COMPLETE_VAR, standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {_usage_line(exc)}", err=True)
        code = ExitCode.USAGE
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except ArchError as exc:
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"error: {exc.one_line()}", err=True)
        code = exc.code
    except BrokenPipeError:
        from kubectl_arch.output.console import silence_stdout

        code = ExitCode.OK
        silence_stdout()
    except Exception as exc:  # the last resort: still one line, details with -v
        if verbose:
            import traceback

            traceback.print_exc()
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (run with -v for details)", err=True)
        code = 70
    sys.exit(int(code or 0) if isinstance(code, int) else 0)


def _usage_line(exc: click.ClickException) -> str:
    """Click's usage error as one line (it prints usage, a hint and the error on four)."""
    message = " ".join(exc.format_message().split()).rstrip(".")  # a list of choices comes one a line
    context = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and context is not None:
        return f"{message}; see `{context.command_path} --help`"
    return message


@click.command()
def version() -> None:
    """Print the kubectl-arch version (reads no cluster)."""
    click.echo(f"kubectl-arch {__version__} (python {sys.version_info.major}.{sys.version_info.minor})")


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL; e.g. `eval "$(kubectl-arch completion bash)"`."""
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    assert completion_class is not None
    click.echo(completion_class(cli, {}, "kubectl-arch", COMPLETE_VAR).source())
