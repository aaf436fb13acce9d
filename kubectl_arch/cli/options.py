"""kubectl's flags, shared by every command that reads a cluster, and the source they select.

The flags are accepted after the subcommand (``kubectl arch audit --context prod``) as kubectl users
expect, named and meaning what kubectl's global flags mean. ``--sample`` and ``--snapshot`` read
offline; otherwise the live cluster of the kubeconfig.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kubectl_arch.cli import value_completion as complete
from kubectl_arch.collect.connection import Connection
from kubectl_arch.errors import UsageError

if TYPE_CHECKING:
    from kubectl_arch.collect.source import Source

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class ClusterOptions:
    """What selects the cluster and how to reach it."""

    connection: Connection = field(default_factory=Connection)
    request_timeout: float | None = 30.0  # None: no limit per request (--request-timeout 0, as kubectl)
    snapshot: str | None = None
    sample: str | None = None
    # Every --context given, in order (audit reads each cluster; the other commands refuse several).
    contexts: tuple[str, ...] = ()
    # --timeout: how long the whole run may read; reads left after it fail with the reason (None: no limit).
    timeout: float | None = None

    @property
    def kubeconfig(self) -> str | None:
        return self.connection.kubeconfig

    @property
    def context(self) -> str | None:
        return self.connection.context

    def for_context(self, name: str) -> ClusterOptions:
        """The same flags aimed at another kubeconfig context."""
        return dataclasses.replace(self, connection=dataclasses.replace(self.connection, context=name),
                                   contexts=(name,))


def parse_timeout(value: str) -> float | None:
    """kubectl's --request-timeout syntax: a number of seconds or a duration such as 5s, 1m, 500ms, 1m30s; zero
    is None, no limit, as kubectl reads it ("a value of zero means don't timeout requests")."""
    import re

    text = value.strip().lower()
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
    elif re.fullmatch(r"(\d+(\.\d+)?(ms|s|m|h))+", text):
        seconds = sum(float(n) * units[u] for n, _, u in re.findall(r"(\d+(\.\d+)?)(ms|s|m|h)", text))
    else:
        raise click.BadParameter(f"{value!r} is not a duration (e.g. 30s, 1m, 10)")
    return seconds or None


def _timeout_callback(_ctx: click.Context, _param: click.Parameter, value: str) -> float | None:
    return parse_timeout(value)


# kubectl's global connection flags (genericclioptions.ConfigFlags), with kubectl's help texts.
_CONNECTION_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--kubeconfig",), {"metavar": "FILE", "shell_complete": complete.files,
                         "help": "Path to the kubeconfig file to use (default: $KUBECONFIG or ~/.kube/config)."}),
    (("--context",), {"metavar": "NAME", "multiple": True, "shell_complete": complete.contexts,
                      "help": "The name of the kubeconfig context to use."}),
    (("--cluster",), {"metavar": "NAME", "shell_complete": complete.clusters,
                      "help": "The name of the kubeconfig cluster to use."}),
    (("--user",), {"metavar": "NAME", "shell_complete": complete.users,
                   "help": "The name of the kubeconfig user to use."}),
    (("-s", "--server"), {"metavar": "URL", "help": "The address and port of the Kubernetes API server."}),
    (("--token",), {"metavar": "TOKEN", "help": "Bearer token for authentication to the API server."}),
    (("--as", "impersonate"), {"metavar": "USER", "help": "Username to impersonate for the operation."}),
    (("--as-group", "impersonate_groups"), {"metavar": "GROUP", "multiple": True,
                                            "help": "Group to impersonate for the operation (repeatable)."}),
    (("--as-uid", "impersonate_uid"), {"metavar": "UID", "help": "UID to impersonate for the operation."}),
    (("--certificate-authority",), {"metavar": "FILE", "shell_complete": complete.files,
                                    "help": "Path to a cert file for the certificate authority."}),
    (("--client-certificate",), {"metavar": "FILE", "shell_complete": complete.files,
                                 "help": "Path to a client certificate file for TLS."}),
    (("--client-key",), {"metavar": "FILE", "shell_complete": complete.files,
                         "help": "Path to a client key file for TLS."}),
    (("--insecure-skip-tls-verify",), {"is_flag": True, "help": "Do not check the server's certificate "
                                       "(insecure)."}),
    (("--tls-server-name",), {"metavar": "NAME", "help": "Server name to use for server certificate validation."}),
    (("--disable-compression",), {"is_flag": True, "help": "Do not ask the server for compressed answers (by "
                                  "default large ones come gzipped)."}),
    (("--request-timeout", "request_timeout"), {
        "default": "30s", "callback": _timeout_callback, "metavar": "DURATION", "show_default": True,
        "help": "The length of time to wait before giving up on a single server request (e.g. 10s, 1m). A value "
                "of zero means don't timeout requests (the run's --timeout, where given, still ends them)."}),
]

_OFFLINE_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--snapshot",), {"metavar": "FILE", "type": click.Path(dir_okay=False),
                       "help": "Read a snapshot taken by `kubectl arch snapshot` instead of a live cluster."}),
    (("--sample",), {"metavar": "NAME", "shell_complete": complete.samples,
                     "help": "Read a bundled sample cluster (list them: `kubectl arch samples`)."}),
]

def _run_timeout_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    return None if value is None else parse_timeout(value)


_RUN_FLAGS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--timeout", "run_timeout"), {
        "metavar": "DURATION", "callback": _run_timeout_callback,
        "help": "Give up reading after this long in all (e.g. 2m): reads left are reported as not read. "
                "Default (or zero): no limit; each request is still bounded by --request-timeout."}),
]

CONNECTION_PARAMS = ("kubeconfig", "cluster", "user", "server", "token", "impersonate", "impersonate_groups",
                     "impersonate_uid", "certificate_authority", "client_certificate", "client_key",
                     "insecure_skip_tls_verify", "tls_server_name", "disable_compression")


def cluster_options(func: F | None = None, *, several_contexts: bool = False) -> Any:
    """Add kubectl's connection flags plus --snapshot and --sample; the command receives ``cluster``.

    A repeated --context is refused (kubectl would silently take the last) unless the command reads
    ``several_contexts`` (audit). A command's own ``namespace`` parameter (``namespace_option``) becomes
    the connection's namespace too, so the source's default namespace is the one asked for.
    """

    def decorate(command: F) -> F:
        import inspect

        # trace has a --timeout of its own (how long --follow waits, which is its whole run): keep that one.
        run_timeout = "timeout" not in inspect.signature(command).parameters

        def collect(**kwargs: Any) -> Any:
            contexts = tuple(kwargs.pop("context") or ())
            if len(contexts) > 1 and not several_contexts and len(set(contexts)) > 1:
                raise click.UsageError(f"--context is given {len(contexts)} times; give one context",
                                       click.get_current_context(silent=True))
            connection = Connection.from_params({"context": contexts, "namespace": kwargs.get("namespace"),
                                                 **{name: kwargs.pop(name) for name in CONNECTION_PARAMS}})
            cluster = ClusterOptions(connection=connection, contexts=contexts,
                                     request_timeout=kwargs.pop("request_timeout"),
                                     snapshot=kwargs.pop("snapshot"), sample=kwargs.pop("sample"),
                                     timeout=kwargs.pop("run_timeout", None))
            return command(cluster=cluster, **kwargs)

        collect.__name__ = command.__name__
        collect.__doc__ = command.__doc__
        wrapped: Any = collect
        for decls, attrs in reversed(_CONNECTION_FLAGS + _OFFLINE_FLAGS + (_RUN_FLAGS if run_timeout else [])):
            wrapped = click.option(*decls, **attrs)(wrapped)
        return wrapped

    return decorate(func) if func is not None else decorate


def namespace_option(func: F | None = None, *, help_text: str = "The namespace (default: the context's namespace).",
                     ) -> Any:
    """kubectl's -n/--namespace; what it scopes is the command's to say in ``help_text``."""
    option = click.option("-n", "--namespace", metavar="NAMESPACE", shell_complete=complete.namespaces,
                          help=help_text)
    return option(func) if func is not None else option


_insecure_warned = False


def open_source(options: ClusterOptions, warn_insecure: bool = True) -> Source:
    """The source the flags select; a live cluster is probed with one GET of /version, sent beside the first reads.

    A live cluster that cannot be read at all (network, TLS, credentials) raises ``ArchError`` with exit code
    3 from the first read that fails that way (``KubeSource.check_probe``), before any command reports.
    ``warn_insecure=False``: the caller warns about an unchecked certificate (``warn_insecure_once``) itself.
    """
    source = offline_source(options)
    if source is not None:
        return source
    from kubectl_arch.collect.kube import KubeSource

    live = KubeSource(request_timeout=options.request_timeout, connection=options.connection,
                      run_timeout=options.timeout)
    if live.insecure and warn_insecure:
        warn_insecure_once(live.server)
    live.start_probe()  # /version in the background; the first read that fails as an unreadable cluster raises
    return live


def warn_insecure_once(server: str) -> None:
    """Say once per run that a server's certificate is not checked: kubectl says nothing, urllib3 a line per
    request; ours is one line."""
    global _insecure_warned
    if not _insecure_warned:
        _insecure_warned = True
        click.echo(f"warning: the certificate of {server} is not checked (insecure-skip-tls-verify)", err=True)


def offline_source(options: ClusterOptions) -> Source | None:
    """The sample or snapshot the flags name, or None for a live cluster."""
    if options.sample and options.snapshot:
        raise UsageError("--sample and --snapshot cannot be used together")
    if options.sample:
        from kubectl_arch.collect.sample_source import SampleSource

        return SampleSource.named(options.sample)
    if options.snapshot:
        from kubectl_arch.collect.snapshot import SnapshotSource

        return SnapshotSource.load(options.snapshot)
    return None


_PFLAG_BOOLEANS = {"true": True, "1": True, "t": True, "false": False, "0": False, "f": False}


def pflag_forms(args: list[str], params: list[click.Parameter]) -> list[str]:
    """Rewrite the flag forms kubectl's pflag accepts and click does not: ``-n=shop`` (click would read
    "=shop") and ``--insecure-skip-tls-verify=true|false``. Everything after ``--`` is left alone."""
    short_values = {opt for p in params if isinstance(p, click.Option) and not p.is_flag
                    for opt in p.opts + p.secondary_opts if len(opt) == 2}
    long_flags = {opt for p in params if isinstance(p, click.Option) and p.is_flag and not p.secondary_opts
                  for opt in p.opts if opt.startswith("--")}
    out: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            return out + args[index:]
        head, equals, value = arg.partition("=")
        if equals and head in short_values:
            out += [head, value]
        elif equals and head in long_flags and value.lower() in _PFLAG_BOOLEANS:
            out += [head] if _PFLAG_BOOLEANS[value.lower()] else []
        else:
            out.append(arg)
    return out
