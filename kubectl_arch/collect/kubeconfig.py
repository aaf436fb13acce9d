"""kubeconfig, read as kubectl reads it: which files, which context, cluster and user, and kubectl's overrides.

The one kubeconfig reader: the live reader (``kube.KubeSource``), completion and --all-contexts all go through
``load_kubeconfig``, so they see the same merged files by the same rules as kubectl. Loading goes through the
official client (its ``KubeConfigLoader``: exec plugins, auth providers, in-cluster config); only public
certificate material leaves this module, never a key or a token.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubectl_arch.collect.client_imports import import_client
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.source import Credentials
from kubectl_arch.errors import ArchError, UsageError

import_client()  # the client's kubeconfig modules, without what loading never runs (see client_imports)

# How long an exec credential plugin (aws, gke-gcloud-auth-plugin, kubelogin) may take before the run stops
# with exit 3: long enough for a browser SSO login, bounded so a hung plugin cannot hang the run.
EXEC_PLUGIN_DEADLINE_SECONDS = 60.0

FLAGS_ONLY = "(command-line flags)"  # the name of a context, cluster or user that only flags define

@dataclass(frozen=True)
class Kubeconfig:
    """The kubeconfig files in use, merged by the client's ``KubeConfigMerger`` (the first file to name a
    context, cluster or user wins, as in kubectl), and kubectl's current context (the first file's that sets one)."""

    files: tuple[str, ...]
    merged: Any  # the client's ConfigNode of the merged document, None without any file
    current_context: str | None

    def names(self, section: str) -> list[str]:
        """Names in ``contexts``, ``clusters`` or ``users``, in merge order."""
        if self.merged is None:
            return []
        return [str(item["name"]) for item in self.merged.value.get(section) or [] if "name" in item]

    def entry(self, section: str, name: str) -> Any:
        """The client's ConfigNode for one named entry (it remembers its file, for relative paths), or None."""
        if self.merged is None:
            return None
        return next((item for item in self.merged.value.get(section) or [] if item["name"] == name), None)


def kubeconfig_files(explicit: str | None) -> tuple[list[Path], str]:
    """The files kubectl would read, and how to name them: --kubeconfig, else $KUBECONFIG, else ~/.kube/config.

    Like kubectl, an explicit file must exist while missing files in $KUBECONFIG are skipped.
    """
    if explicit:
        path = Path(explicit).expanduser()
        return ([path] if path.exists() else []), explicit
    paths = os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
    return [Path(p).expanduser() for p in paths.split(os.pathsep) if p and Path(p).expanduser().exists()], paths


def load_kubeconfig(explicit: str | None = None) -> Kubeconfig:
    """Read and merge the kubeconfig files; a file that is not a kubeconfig is one clear ``ArchError``."""
    from kubernetes.config.config_exception import ConfigException

    files, _ = kubeconfig_files(explicit)
    documents = [(path, _check_kubeconfig_file(path)) for path in files]
    used = {str(path): document for path, document in documents if document}  # kubectl reads an empty file as nothing
    if not used:
        return Kubeconfig(tuple(str(p) for p in files), None, None)
    try:
        merged = _merged(used)
    except (ConfigException, OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ArchError(f"kubeconfig {os.pathsep.join(used)} could not be read: {_first_line(exc)}",
                        hint="check the file with `kubectl config view`") from None
    current = next((doc.get("current-context") for _, doc in documents if doc and doc.get("current-context")), None)
    merged.value["current-context"] = current  # the client lets the last file win; kubectl the first
    return Kubeconfig(tuple(used), merged, current)


KUBECONFIG_SECTIONS = ("clusters", "contexts", "users")


def _merged(documents: dict[str, Any]) -> Any:
    """The client's ``KubeConfigMerger`` over documents this module already parsed (with libyaml): its rules
    (the first file to name an entry wins; each entry remembers its file), without the client parsing every
    file again in pure Python, ten times slower (a kubeconfig with many clusters is hundreds of KiB)."""
    from kubernetes.config.kube_config import ConfigNode, KubeConfigMerger

    class ParsedMerger(KubeConfigMerger):
        def load_config(self, path: str) -> None:
            document = documents[path]
            if self.config_merged is None:
                first = {**document, **{section: [] for section in KUBECONFIG_SECTIONS}}
                self.config_merged = ConfigNode(path, first, path)
            for section in KUBECONFIG_SECTIONS:
                self._merge(section, document.get(section) or [], path)

    return ParsedMerger(os.pathsep.join(documents)).config


def kubeconfig_names(explicit: str | None, section: str) -> list[str]:
    """Context, cluster or user names for completion and --all-contexts; nothing when the files are unreadable."""
    try:
        return load_kubeconfig(explicit).names(section)
    except ArchError:
        return []


def configured_server(connection: Connection) -> str:
    """The API server address --server or the kubeconfig names for this connection (its context's cluster, or
    --cluster), read without the user entry's credentials: how a report names a cluster it could not open or
    read. Empty when the kubeconfig names none."""
    if connection.server:
        return connection.server
    try:
        kubeconfig = load_kubeconfig(connection.kubeconfig)
        _, context = _chosen_context(kubeconfig, connection, "the kubeconfig")
    except ArchError:
        return ""
    cluster = connection.cluster or context.get("cluster")
    entry = kubeconfig.entry("clusters", str(cluster)) if cluster else None
    fields = entry.value.get("cluster") if entry is not None else None
    server = fields.get("server") if isinstance(fields, dict) else None
    return str(server) if server else ""


def load_configuration(connection: Connection, plugin_deadline: float = EXEC_PLUGIN_DEADLINE_SECONDS,
                       ) -> tuple[Any, Credentials, list[tuple[str, str]], bool]:
    """The client Configuration, public credentials, impersonation headers for the flags given, and whether to
    ask for compressed answers (kubectl does, unless the cluster entry or --disable-compression says not to).

    kubectl's overrides apply on top of the kubeconfig entry in use: --cluster and --user pick other
    entries, --server, --certificate-authority, --insecure-skip-tls-verify and --tls-server-name change the
    cluster, --token, --client-certificate and --client-key the user. With no kubeconfig at all, --server
    (with --token or client certificate flags) is enough, and inside a pod the service account is used.
    """
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import ConfigNode, KubeConfigLoader

    _check_connection_flags(connection)
    configuration = k8s_client.Configuration()
    kubeconfig = load_kubeconfig(connection.kubeconfig)
    if kubeconfig.merged is None and not connection.server:
        if connection.kubeconfig is None and os.environ.get("KUBERNETES_SERVICE_HOST"):
            try:
                k8s_config.load_incluster_config(client_configuration=configuration)
            except ConfigException as exc:
                raise ArchError(f"in-cluster config could not be loaded: {exc}") from None
            credentials = _credentials(configuration, "", "in-cluster")
            credentials.namespace = connection.namespace or _in_cluster_namespace()
            return configuration, credentials, _impersonation({}, connection), not connection.disable_compression
        _, named = kubeconfig_files(connection.kubeconfig)
        if kubeconfig.files:  # they are there and hold nothing (kubectl reads an empty file as no configuration)
            message = f"kubeconfig {os.pathsep.join(kubeconfig.files)} holds no configuration (the file is empty)"
        else:
            message = f"no kubeconfig found at {named}"
        raise ArchError(
            message,
            hint="pass --kubeconfig FILE, set KUBECONFIG, or try a bundled sample with --sample kind-ha",
        )
    where = os.pathsep.join(kubeconfig.files) or "the command line"
    name, context = _chosen_context(kubeconfig, connection, where)
    cluster_name = connection.cluster or str(context.get("cluster") or "")
    user_name = connection.user or str(context.get("user") or "")
    cluster = _override_cluster(_entry_node(kubeconfig, "clusters", cluster_name, where, True), connection)
    user = _override_user(_entry_node(kubeconfig, "users", user_name, where, bool(connection.user)), connection)
    if not cluster.value.get("server"):
        raise ArchError(f"kubeconfig cluster {cluster_name!r} has no server address",
                        hint="pass --server URL or check it with `kubectl config view --minify`")
    # The client ignores entries with empty names; a context made of flags alone still needs some.
    name, cluster_name, user_name = name or FLAGS_ONLY, cluster_name or FLAGS_ONLY, user_name or FLAGS_ONLY
    document = ConfigNode("kube-config", {
        "contexts": [{"name": name, "context": {"cluster": cluster_name, "user": user_name}}],
        "clusters": [ConfigNode(cluster_name, {"name": cluster_name, "cluster": cluster.value}, cluster.path)],
        "users": [ConfigNode(user_name, {"name": user_name, "user": user.value}, user.path)],
    })
    try:
        with _LOADING, _exec_plugins_guarded(plugin_deadline) as plugin_failures:
            KubeConfigLoader(config_dict=document, active_context=name,
                             config_base_path=None).load_and_set(configuration)
    except (ConfigException, OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ArchError(
            f"kubeconfig context {name!r} could not be loaded: {_first_line(exc)}",
            hint="check it with `kubectl config view --minify`",
        ) from None
    if plugin_failures:
        # The client logs a failed plugin and goes on without credentials; kubectl stops. So do we: a run
        # as system:anonymous would read as "forbidden" everywhere and blame RBAC for an expired login.
        what, hint = plugin_failures[0]
        raise ArchError(f"getting credentials for context {name!r}: {what}", hint=hint)
    credentials = _credentials(configuration, name, _auth_kind(user.value))
    credentials.namespace = connection.namespace or str(context.get("namespace") or "") or "default"
    compressed = not (connection.disable_compression or cluster.value.get("disable-compression") is True)
    return configuration, credentials, _impersonation(user.value, connection), compressed


# One context loads at a time: `audit --all-contexts` opens its contexts in threads, and the client's loading is
# not thread-safe. It names a temporary file holding certificate-authority-data to other threads before writing
# it (they read an empty CA), and _exec_plugins_guarded swaps the client's module-wide ExecProvider (a thread
# finishing first restored the original under another still loading, whose failing plugin then went unseen).
_LOADING = threading.Lock()


def _check_connection_flags(connection: Connection) -> None:
    """The flag combinations kubectl refuses, refused the same way (a usage error)."""
    if connection.certificate_authority and connection.insecure_skip_tls_verify:
        raise UsageError("specifying a root certificates file with the insecure flag is not allowed",
                         hint="give --certificate-authority or --insecure-skip-tls-verify, not both")
    if (connection.impersonate_groups or connection.impersonate_uid) and not connection.impersonate:
        raise UsageError("requesting uid or groups without impersonating a user", hint="add --as USER")
    for flag, path in (("--certificate-authority", connection.certificate_authority),
                       ("--client-certificate", connection.client_certificate),
                       ("--client-key", connection.client_key)):
        # A file named on the command line: the kubeconfig is not the place to look (kubectl refuses it too).
        if path and not os.path.isfile(path):
            raise UsageError(f"{flag} {path} does not exist" if not os.path.exists(path)
                             else f"{flag} {path} is not a file")


def _chosen_context(kubeconfig: Kubeconfig, connection: Connection, where: str) -> tuple[str, dict[str, Any]]:
    """The context's name and its fields: --context, else the current context, else none (flags only)."""
    name = connection.context or kubeconfig.current_context
    if not name:
        if connection.server or connection.cluster:
            return "", {}
        raise ArchError(f"the kubeconfig {where} sets no current context",
                        hint="pass --context NAME or run `kubectl config use-context NAME`")
    entry = kubeconfig.entry("contexts", name)
    if entry is None:
        known = ", ".join(kubeconfig.names("contexts")) or "none"
        raise ArchError(f"context {name!r} is not in {where}", hint=f"known contexts: {known}")
    fields = entry.value.get("context")
    return name, dict(fields) if isinstance(fields, dict) else {}


def _entry_node(kubeconfig: Kubeconfig, section: str, name: str, where: str, required: bool) -> Any:
    """A copy of one cluster or user entry's fields as a ConfigNode that keeps the entry's file (relative paths).

    A context may name a user that does not exist (kubectl then sends no credentials); a cluster it names,
    or a --cluster or --user given, must exist.
    """
    from kubernetes.config.kube_config import ConfigNode

    field = section[:-1]
    entry = kubeconfig.entry(section, name) if name else None
    if name and entry is None and required and kubeconfig.merged is not None:
        known = ", ".join(kubeconfig.names(section)) or "none"
        raise ArchError(f"{field} {name!r} is not in {where}", hint=f"known {section}: {known}")
    fields = entry.value.get(field) if entry is not None else None
    return ConfigNode(name, dict(fields) if isinstance(fields, dict) else {}, entry.path if entry is not None else None)


def _override_cluster(cluster: Any, connection: Connection) -> Any:
    """kubectl's cluster overrides; a command-line path is relative to the working directory, not the file."""
    fields = cluster.value
    if connection.server:
        fields["server"] = connection.server
    if connection.certificate_authority:
        fields.pop("certificate-authority-data", None)
        fields.pop("insecure-skip-tls-verify", None)
        fields["certificate-authority"] = os.path.abspath(connection.certificate_authority)
    if connection.insecure_skip_tls_verify:
        fields.pop("certificate-authority-data", None)
        fields.pop("certificate-authority", None)
        fields["insecure-skip-tls-verify"] = True
    if connection.tls_server_name:
        fields["tls-server-name"] = connection.tls_server_name
    return cluster


def _override_user(user: Any, connection: Connection) -> Any:
    """kubectl's user overrides: a --token replaces the entry's other ways to get a token."""
    fields = user.value
    if connection.token:
        for key in ("tokenFile", "exec", "auth-provider", "username", "password"):
            fields.pop(key, None)
        fields["token"] = connection.token
    for flag, key in ((connection.client_certificate, "client-certificate"), (connection.client_key, "client-key")):
        if flag:
            fields.pop(f"{key}-data", None)
            fields[key] = os.path.abspath(flag)
    return user


def _impersonation(user: dict[str, Any], connection: Connection) -> list[tuple[str, str]]:
    """The Impersonate-* headers kubectl sends: from --as/--as-group/--as-uid, else the kubeconfig user's
    ``as``/``as-groups``/``as-uid``; one Impersonate-Group header per group."""
    name = connection.impersonate or user.get("as")
    if not name:
        return []
    groups = connection.impersonate_groups or tuple(user.get("as-groups") or ())
    uid = connection.impersonate_uid or user.get("as-uid")
    headers = [("Impersonate-User", str(name))]
    headers += [("Impersonate-Group", str(group)) for group in groups]
    if uid:
        headers.append(("Impersonate-Uid", str(uid)))
    return headers


def _in_cluster_namespace() -> str:
    """The pod's own namespace, as kubectl reads it inside a pod."""
    try:
        return Path("/var/run/secrets/kubernetes.io/serviceaccount/namespace").read_text().strip() or "default"
    except OSError:
        return "default"


class _PluginTimeout(Exception):
    """An exec credential plugin ran past its deadline (and was killed)."""


def _command_name(args: Any) -> str:
    """The plugin's command without its arguments, which may carry what a plugin is given to log in with."""
    return str(args[0]) if isinstance(args, list) and args else "?"


def plugin_failure(command: str, exc: BaseException, install_hint: str = "") -> tuple[str, str]:
    """What went wrong with an exec credential plugin and what to do. Not installed, failed, and answered
    something other than an ExecCredential need three different fixes; a plugin's stdout is never quoted
    (it is where the token goes)."""
    detail = _first_line(exc).removeprefix("exec: ")
    if isinstance(exc, FileNotFoundError):
        hint = _one_line(install_hint) or "install it, or correct users[].user.exec.command in the kubeconfig"
        return f"the exec credential plugin {command!r} is not installed (not found on PATH)", hint
    if isinstance(exc, OSError):
        return (f"the exec credential plugin {command!r} could not be run: {exc.strerror or detail}",
                "check that it is an executable file")
    if isinstance(exc, _PluginTimeout):
        return detail, "it may be waiting for an interactive login: log in with the tool it belongs to, then retry"
    if detail.startswith("process returned"):
        return (f"the exec credential plugin {command!r} failed: {detail}",
                "log in again with the tool it belongs to, then retry")
    return (f"the exec credential plugin {command!r} did not print an ExecCredential: {detail}",
            "run the command by hand: it must print client.authentication.k8s.io ExecCredential JSON on stdout")


def _one_line(text: str, limit: int = 200) -> str:
    """A kubeconfig's free text (an installHint) as one line of at most ``limit`` characters."""
    joined = " ".join(text.split())
    return joined if len(joined) <= limit else joined[:limit - 1] + "…"


def _deadline_popen(deadline: float) -> type[subprocess.Popen[str]]:
    """``subprocess.Popen`` whose ``communicate`` stops a process that runs past ``deadline`` seconds."""

    class DeadlinePopen(subprocess.Popen):
        def communicate(self, input: Any = None, timeout: float | None = None) -> Any:
            try:
                return super().communicate(input, timeout if timeout is not None else deadline)
            except subprocess.TimeoutExpired:
                self.kill()
                super().communicate()
                raise _PluginTimeout(f"the exec credential plugin {_command_name(self.args)!r} did not finish "
                                     f"within {deadline:g}s and was stopped") from None

    return DeadlinePopen


@contextlib.contextmanager
def _exec_plugins_guarded(deadline: float) -> Iterator[list[tuple[str, str]]]:
    """Run the client's exec credential plugins under a deadline and collect their failures.

    The client catches a failing plugin, logs it and carries on anonymously; here each failure is kept so
    the caller can stop with one line. Its log line is silenced: the caller's message replaces it.
    """
    import types

    from kubernetes.config import exec_provider, kube_config

    failures: list[tuple[str, str]] = []
    original = kube_config.ExecProvider

    class GuardedExecProvider(original):  # type: ignore[misc, valid-type]
        def __init__(self, exec_config: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(exec_config, *args, **kwargs)
            self.install_hint = str(exec_config.safe_get("installHint") or "")

        def run(self, previous_response: Any = None) -> Any:
            try:
                return super().run(previous_response)
            except Exception as exc:
                failures.append(plugin_failure(_command_name(self.args), exc, self.install_hint))
                raise

    # exec_provider reads only Popen and PIPE from its ``subprocess``; the shim bounds every plugin run,
    # token refreshes after loading included.
    shim = types.SimpleNamespace(Popen=_deadline_popen(deadline), PIPE=subprocess.PIPE)
    setattr(exec_provider, "subprocess", shim)  # noqa: B010 (a module attribute replaced on purpose)
    setattr(kube_config, "ExecProvider", GuardedExecProvider)  # noqa: B010
    logging.disable(logging.ERROR)
    try:
        yield failures
    finally:
        logging.disable(logging.NOTSET)
        setattr(kube_config, "ExecProvider", original)  # noqa: B010


def _check_kubeconfig_file(path: Path) -> Any:
    """The file's YAML document; a file that is not YAML or not a mapping is one clear line (the client's
    errors are cryptic). Parsed with libyaml where PyYAML has it: this runs on every command."""
    import yaml

    from kubectl_arch.yamltext import safe_load

    try:
        document = safe_load(path.read_text())
    except OSError as exc:
        raise ArchError(f"kubeconfig {path} could not be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or _first_line(exc)
        raise ArchError(f"kubeconfig {path} is not valid YAML: {problem}{where}",
                        hint="check the file with `kubectl config view`") from None
    if document is not None and not isinstance(document, dict):
        raise ArchError(f"kubeconfig {path} is not a kubeconfig (expected clusters, users and contexts)",
                        hint="check the file with `kubectl config view`")
    return document


def _auth_kind(user: dict[str, Any]) -> str:
    """How the user entry in use authenticates (never its secret)."""
    for key, kind in (
        ("exec", "exec"),
        ("auth-provider", "auth-provider"),
        ("token", "token"),
        ("tokenFile", "token"),
        ("client-certificate-data", "client-certificate"),
        ("client-certificate", "client-certificate"),
    ):
        if key in user:
            return kind
    return "none"


def _credentials(configuration: Any, context: str, auth: str) -> Credentials:
    """Public certificate material only: the client certificate and the CA, never keys or tokens."""

    def read(path: str | None) -> str | None:
        if not path:
            return None
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                text = handle.read(MAX_PEM_BYTES)
        except OSError:
            return None
        return certificate_blocks(text)

    return Credentials(
        context=context,
        server=str(configuration.host),
        client_certificate_pem=read(configuration.cert_file),
        certificate_authority_pem=read(configuration.ssl_ca_cert),
        auth=auth,
    )


MAX_PEM_BYTES = 1024 * 1024  # a certificate bundle is a few KiB
_CERTIFICATE_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*?-----END CERTIFICATE-----")


def certificate_blocks(pem: str) -> str | None:
    """Only the CERTIFICATE blocks of a PEM text: kubectl accepts a client certificate file that also
    holds the private key, and this text may be stored in a snapshot. None when there is no certificate."""
    blocks = _CERTIFICATE_BLOCK.findall(pem)
    return "\n".join(blocks) + "\n" if blocks else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def credential_flag(connection: Connection) -> tuple[str, str] | None:
    """The flag that chose other credentials than the context's user, and them in words; None for the context's.
    A refusal is then the flag's, and "refresh the kubeconfig" would send the user to the wrong place."""
    if connection.token:
        return "--token", "the token given with --token"
    if connection.client_certificate:
        return "--client-certificate", "the client certificate given with --client-certificate"
    return ("--user", f"the credentials of user {connection.user} (--user)") if connection.user else None
