"""The live reader: the only module that imports the kubernetes client.

It loads kubeconfig (exec plugins and in-cluster config included) through the official client, then
sends raw GETs with the client's ``ApiClient`` and reads bodies as raw JSON: never client model objects,
which cost 13x the time on large lists. Transient failures (429 with Retry-After, 5xx, connection
resets, truncated bodies) are retried a bounded number of times with backoff; every call has a timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import json
import logging
import os
import re
import socket
import ssl
import subprocess
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kubectl_arch.collect.client_imports import import_client
from kubectl_arch.collect.concurrency import DEFAULT_IN_FLIGHT, SharedBackoff
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.pool import share_one_tls_context
from kubectl_arch.collect.source import NO_STATUS, TABLE_ACCEPT, Credentials, Query, Response
from kubectl_arch.collect.tls import peer_chain
from kubectl_arch.errors import ArchError, ExitCode, UsageError

import_client()  # without what a GET never runs (pydantic, OAuth, watch...): the first request goes out sooner

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.25
MAX_RETRY_AFTER_SECONDS = 10.0
JSON_ACCEPT = "application/json, */*"
# How long an exec credential plugin (aws, gke-gcloud-auth-plugin, kubelogin) may take before the run stops
# with exit 3: long enough for a browser SSO login, bounded so a hung plugin cannot hang the run.
EXEC_PLUGIN_DEADLINE_SECONDS = 60.0
# Answers that cannot change within one run, kept from their first good read: the start-up probe of
# /version is also the "version" need's answer, so a run asks for it once, not twice.
PROBE_PATH = "/version"
READ_ONCE_PATHS = frozenset({PROBE_PATH})
# Answers that may mean the whole cluster cannot be read (no connection, TLS, credentials), not one object;
# a 5xx may too, until some read has been answered (a server that answers nothing but 5xx is not serving).
MAYBE_UNREADABLE = frozenset({NO_STATUS, 401})


class KubeSource:
    """Reads a live cluster through the kubernetes client, GET and watch only.

    Safe to call from several threads: ``collect`` reads up to ``max_in_flight`` needs at once over the
    client's connection pool, and a 429 pauses them all (``backoff``).
    """

    max_in_flight = DEFAULT_IN_FLIGHT

    def __init__(
        self,
        kubeconfig: str | None = None,
        context: str | None = None,
        request_timeout: float | None = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        connection: Connection | None = None,
        attempts: int = MAX_ATTEMPTS,
        run_timeout: float | None = None,
    ) -> None:
        """``request_timeout`` bounds each whole request (connect, headers and body; None: no limit, as
        kubectl's --request-timeout 0); ``run_timeout`` the whole run: once it has passed, every read fails at
        once with the reason (the rest is reported)."""
        from kubernetes import client as k8s_client  # lazy: 0.3 s to import, never on --help

        self._timeout = request_timeout
        self._sleep = sleep
        self._attempts = attempts
        self._run_timeout = run_timeout
        self._run_deadline = time.monotonic() + run_timeout if run_timeout else None
        connection = connection or Connection()
        if kubeconfig or context:
            connection = dataclasses.replace(connection, kubeconfig=kubeconfig or connection.kubeconfig,
                                             context=context or connection.context)
        plugin_deadline = min(EXEC_PLUGIN_DEADLINE_SECONDS, run_timeout or EXEC_PLUGIN_DEADLINE_SECONDS)
        self._configuration, self._credentials, self._impersonation, self._compressed = _load_configuration(
            connection, plugin_deadline)
        self.credential_flag = _credential_flag(connection)
        # The client re-reads the proxy variables from the environment each time its token hook sets the
        # host again, which is before every request; the environment does not change during a run.
        self._configuration.proxy = self._configuration.proxy
        # Our own bounded retry loop decides what is retried; urllib3 must not retry behind our back.
        import urllib3

        self._configuration.retries = urllib3.Retry(total=0, connect=0, read=0, redirect=0, status=0)
        # Room for every read in flight, a need's own concurrent GETs included (the client sizes its pool by
        # CPUs: 5 on one core, and urllib3 then drops each extra connection with a warning on stderr).
        self._configuration.connection_pool_maxsize = 2 * self.max_in_flight
        if self.insecure:  # urllib3 warns on every request; the command line says it once (kubectl: never)
            warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
        self._client = k8s_client.ApiClient(self._configuration)
        share_one_tls_context(self._client.rest_client.pool_manager)
        self._server_time: dt.datetime | None = None  # the Date of the latest answer
        self.backoff = SharedBackoff(sleep)  # one pause for every thread after a 429
        self._count_lock = threading.Lock()
        self.requests_sent = 0
        self._read_once: dict[str, Response] = {}
        self._probe: _Probe | None = None
        self._served = False  # some read had an answer below 500: a 5xx probe then means a partial cluster

    @property
    def description(self) -> str:
        name = self._credentials.context or "in-cluster"
        return f"context {name} ({self._credentials.server})"

    @property
    def insecure(self) -> bool:
        """Whether the server's certificate goes unchecked (insecure-skip-tls-verify)."""
        return self._configuration.verify_ssl is False

    @property
    def server(self) -> str:
        return str(self._configuration.host)

    def credentials(self) -> Credentials:
        return self._credentials

    def now(self) -> dt.datetime:
        """The API server's clock: the Date of its latest answer, so ages match the server's view even when
        this machine's clock is off, and a live run and its snapshot measure against the same instant.

        Before any answer, the probe of /version learns the clock (``start_probe``, else one GET here); local
        time only if the server sends no Date.
        """
        if self._server_time is None:
            self.get(PROBE_PATH)
        return self._server_time or dt.datetime.now(dt.timezone.utc)

    # -- first contact -----------------------------------------------------------------------------

    def start_probe(self) -> None:
        """Send the first contact, GET /version, in the background: the first reads go out beside it instead of
        a round trip after it. A read that fails as an unreadable cluster would (no connection, TLS, 401) then
        waits for the probe's verdict, and ``cluster_unreadable`` is raised from it (``check_probe``)."""
        if self._probe is None:
            self._probe = _Probe(lambda: self._get(PROBE_PATH, None, JSON_ACCEPT))

    def check_probe(self) -> None:
        """Raise ``cluster_unreadable`` when the probe found the cluster unreadable (a 403 is an answer: RBAC
        may hide /version from a user who can read the rest; a 5xx beside reads that were answered is one
        failing path of a partial cluster, not a server that is not serving). Waits for the probe's answer."""
        if self._probe is None:
            return
        probe = self._probe.response()
        if probe.ok or probe.status == 403 or (probe.status >= 500 and self._served):
            return
        raise cluster_unreadable(probe, self)

    # -- GET ---------------------------------------------------------------------------------------

    def get(self, path: str, query: Query | None = None, accept: str = JSON_ACCEPT) -> Response:
        once = not query and accept == JSON_ACCEPT and path in READ_ONCE_PATHS
        response = self._answer_once(path) if once else self._get(path, query, accept)
        if NO_STATUS < response.status < 500 and response.status != 401:
            self._served = True
        if response.status in MAYBE_UNREADABLE or (response.status >= 500 and not self._served):
            self.check_probe()  # the cluster as a whole cannot be read: one clear error, not a report of failures
        return dataclasses.replace(response, headers=dict(response.headers)) if once else response

    def _answer_once(self, path: str) -> Response:
        """The run's one answer for ``path`` (shared: callers get copies): the probe's, else the first good read."""
        if path == PROBE_PATH and self._probe is not None:
            return self._probe.response()
        kept = self._read_once.get(path)
        if kept is None:
            kept = self._get(path, None, JSON_ACCEPT)
            if kept.ok:
                self._read_once[path] = kept
        return kept

    def _get(self, path: str, query: Query | None, accept: str) -> Response:
        """GET with retries: sent again after a 429 (everyone pauses), a 5xx other than a health answer, a
        reset or a truncated body, up to ``attempts`` times and never past the run's --timeout."""
        attempt = 0
        while True:
            attempt += 1
            self.backoff.wait()
            budget = self._budget()
            if budget is not None and budget <= 0:
                return Response(status=NO_STATUS, error=f"not read: the run's --timeout of {self._run_timeout:g}s "
                                                        "had passed")
            response, retryable = self._get_once(path, query, budget, accept)
            if not retryable or attempt >= self._attempts:
                if retryable and attempt > 1:
                    response.error = f"{response.error or f'HTTP {response.status}'} (after {attempt} attempts)"
                return response
            delay = self._backoff(attempt, response)
            if self._run_deadline is not None:  # never sleep past the run's end
                delay = min(delay, max(self._run_deadline - time.monotonic(), 0.0))
            if response.status == 429:  # the server is overloaded, not this request: everyone pauses
                self.backoff.hold(delay)
            else:
                self._sleep(delay)

    def get_table(self, path: str, query: Query | None = None) -> Response:
        """GET a list as a server-side Table (a server without Table support answers the plain list)."""
        return self.get(path, query, accept=TABLE_ACCEPT)

    def _budget(self) -> float | None:
        """Seconds the next request may take: --request-timeout, less when the run's --timeout is closer (None:
        no limit at all)."""
        if self._run_deadline is None:
            return self._timeout
        left = self._run_deadline - time.monotonic()
        return left if self._timeout is None else min(self._timeout, left)

    def _backoff(self, attempt: int, response: Response) -> float:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.strip().isdigit():
            return min(float(retry_after), MAX_RETRY_AFTER_SECONDS)
        return BACKOFF_SECONDS * (2 ** (attempt - 1))

    def _get_once(self, path: str, query: Query | None, budget: float | None,
                  accept: str = JSON_ACCEPT) -> tuple[Response, bool]:
        """One GET within ``budget`` seconds, body included; returns the response and whether to retry."""
        import urllib3
        from kubernetes.client.exceptions import ApiException

        raw = None
        deadline = None if budget is None else time.monotonic() + budget
        try:
            raw = self._send(path, query, total_timeout=budget, accept=accept)
            body = _read_before(raw, deadline)
            if body is None:
                return Response(status=NO_STATUS, error=f"timed out after {budget or 0:g}s (--request-timeout): the "
                                                        "answer was still arriving"), False
        except ApiException as exc:  # the client wraps TLS failures as status 0
            reason = str(exc.reason or exc).splitlines()
            return Response(status=exc.status or NO_STATUS, error=f"TLS or client error: {' '.join(reason)}"), False
        except urllib3.exceptions.MaxRetryError as exc:
            return _transport_error(exc.reason or exc, self._timeout)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return _transport_error(exc, self._timeout)
        except UnicodeError as exc:  # a path or selector built from a name no API server accepts
            return Response(status=NO_STATUS, error=f"the request could not be encoded: {exc}"), False
        finally:
            if raw is not None:
                raw.release_conn()
        headers = {k.lower(): v for k, v in raw.headers.items()}
        self._note_server_clock(headers.get("date"))
        response = _parse_body(raw.status, body, headers)
        truncated = response.status == 200 and response.error is not None
        return response, truncated or _worth_retrying(path, response.status)

    def _send(self, path: str, query: Query | None, stream_timeout: float | None = None,
              total_timeout: float | None = None, accept: str = JSON_ACCEPT) -> Any:
        """Send one GET through the client's ApiClient, without preloading or deserialising the body."""
        import urllib3

        # gzip as kubectl asks for it: kube-apiserver compresses answers over 128 KiB (JSON lists shrink ~10x);
        # urllib3 decodes them as they are read. Not for a watch, which the server never compresses.
        encoding = {"Accept-Encoding": "gzip"} if self._compressed and stream_timeout is None else {}
        method, url, plain_headers, _body, _post = self._client.param_serialize(
            "GET",
            path,
            query_params=list((query or {}).items()),
            header_params={"Accept": accept, **encoding},
            auth_settings=["BearerToken"],
        )
        headers = urllib3.HTTPHeaderDict(plain_headers)
        for name, value in self._impersonation:  # one header line per group, as kubectl sends them
            headers.add(name, value)
        with self._count_lock:
            self.requests_sent += 1
        # A number is urllib3's total timeout (connect and headers together); the body is bounded by the caller.
        timeout: Any = total_timeout if total_timeout is not None else (self._timeout, stream_timeout or self._timeout)
        result = self._client.call_api(method, url, header_params=headers, _request_timeout=timeout)
        return result.response  # the urllib3 response, body not yet read

    def _note_server_clock(self, date_header: str | None) -> None:
        if not date_header:
            return
        try:
            server_time = email.utils.parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            return
        if server_time.tzinfo is None:
            server_time = server_time.replace(tzinfo=dt.timezone.utc)
        self._server_time = server_time.astimezone(dt.timezone.utc)

    # -- watch -------------------------------------------------------------------------------------

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        import urllib3

        params = {**dict(query or {}), "watch": "1", "timeoutSeconds": str(timeout_seconds)}
        raw = self._send(path, params, stream_timeout=timeout_seconds + 5)
        try:
            if raw.status != 200:
                raise ArchError(f"watch of {path} was refused (HTTP {raw.status})")
            pending = b""
            for chunk in raw.stream(8192):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        yield json.loads(line)
        except (urllib3.exceptions.HTTPError, OSError, ValueError):
            return  # a dropped watch ends the stream; the caller decides whether to start another
        finally:
            raw.release_conn()

    # -- TLS ---------------------------------------------------------------------------------------

    def peer_certificates(self) -> Response:
        """The serving chain the API endpoint presents, read by a TLS handshake that trusts nothing.

        Verification is off on purpose: an expired or untrusted certificate must still be read and
        reported, not refused. Nothing is sent over the connection.
        """
        if self._configuration.proxy:
            return Response(
                status=NO_STATUS, error="the API server is reached through a proxy; its certificate is not visible"
            )
        parts = urlsplit(self.server)
        if parts.scheme != "https" or not parts.hostname:
            return Response(status=NO_STATUS, error=f"the API server {self.server} does not use HTTPS")
        server_name = self._configuration.tls_server_name or parts.hostname
        try:
            # the handshake reader runs to a deadline, so "no limit" is this tool's default of 30s here
            chain = peer_chain((parts.hostname, parts.port or 443), server_name, self._timeout or 30.0)
        except (OSError, ssl.SSLError) as exc:
            return Response(
                status=NO_STATUS, error=f"TLS handshake with {parts.hostname}:{parts.port or 443} failed: {exc}"
            )
        return Response(status=200, data=chain)


class _Probe:
    """One read running in its own thread; ``response`` waits for it (daemon: Ctrl-C never waits on it)."""

    def __init__(self, read: Callable[[], Response]) -> None:
        self._done = threading.Event()
        self._response = Response(status=NO_STATUS, error="the probe did not finish")

        def run() -> None:
            try:
                self._response = read()
            finally:
                self._done.set()

        threading.Thread(target=run, name="probe-version", daemon=True).start()

    def response(self) -> Response:
        self._done.wait()
        return self._response


def _read_before(raw: Any, deadline: float | None) -> bytes | None:
    """The whole body, or None when it did not arrive by ``deadline``: urllib3's timeouts bound each socket
    read, so a server trickling a byte a second would otherwise hold a read open for ever. Each read waits
    at most until the deadline (no helper thread, so Ctrl-C still reaches the blocked read at once)."""
    import urllib3

    sock = getattr(getattr(raw, "connection", None), "sock", None)
    chunks: list[bytes] = []
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(remaining)
        try:
            chunk = raw.read1(65536) if hasattr(raw, "read1") else raw.read()
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
            if deadline is not None and time.monotonic() >= deadline - 0.05:
                return None
            raise
        if not chunk:
            return b"".join(chunks)
        chunks.append(bytes(chunk))
        if not hasattr(raw, "read1"):
            return b"".join(chunks)


def _parse_body(status: int, body: bytes, headers: dict[str, str]) -> Response:
    """Parse JSON bodies (Status objects included); keep anything else as text."""
    content_type = headers.get("content-type", "")
    # A JSON body is parsed from its bytes: decoding it to text as well copied every page (megabytes) for nothing.
    text = None if "json" in content_type else body.decode("utf-8", errors="replace")
    # Guess only without a Content-Type: /readyz?verbose answers text/plain starting with "[+]ping ok".
    looks_json = text is None or (not content_type and text.lstrip().startswith(("{", "[")))
    if looks_json:
        try:
            data = json.loads(body)
        except ValueError:
            if 200 <= status < 300:
                return Response(status=status, error="the response was not valid JSON (truncated?)", headers=headers)
            return Response(status=status, text=body.decode("utf-8", errors="replace"), error=f"HTTP {status}",
                            headers=headers)
        if 200 <= status < 300:
            return Response(status=status, data=data, headers=headers)
        message = data.get("message") if isinstance(data, dict) else None
        return Response(status=status, data=data, error=message or f"HTTP {status}", headers=headers)
    assert text is not None  # only JSON content types leave it undecoded, and those were parsed above
    if 200 <= status < 300:
        return Response(status=status, text=text, headers=headers)
    return Response(status=status, text=text, error=text.strip()[:200] or f"HTTP {status}", headers=headers)


# Health endpoints answer 500 as their verdict (a failed check), not as a passing fault.
HEALTH_PATHS = frozenset({"/readyz", "/livez", "/healthz"})


def _worth_retrying(path: str, status: int) -> bool:
    """429 and 5xx pass, through a pod or node proxy too (one flaky answer must not decide a verdict);
    a 500 from /readyz is the answer itself."""
    if status == 429:
        return True
    return status in RETRY_STATUSES and path.rstrip("/") not in HEALTH_PATHS


PROXY_UNREACHABLE = "the proxy could not be reached"


def _transport_error(exc: BaseException, timeout: float | None) -> tuple[Response, bool]:
    """Turn a connection-level failure into data; resets and broken bodies are worth one more try."""
    import urllib3

    # A proxy that refuses or cannot be reached answers the same the next time: said once, not retried.
    if isinstance(exc, urllib3.exceptions.ProxyError) and isinstance(
            getattr(exc, "original_error", None), (urllib3.exceptions.NewConnectionError, ConnectionRefusedError)):
        return Response(status=NO_STATUS, error=f"{PROXY_UNREACHABLE}: {_root_cause(exc)}"), False
    # NewConnectionError subclasses urllib3's TimeoutError: test it first, or "refused" reads as "timed out".
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return Response(status=NO_STATUS, error=f"connection failed: {_root_cause(exc)}"), False
    if isinstance(exc, (urllib3.exceptions.TimeoutError, socket.timeout, TimeoutError)):
        after = f"after {timeout:g}s (--request-timeout)" if timeout else "(the operating system's limit)"
        return Response(status=NO_STATUS, error=f"timed out {after}"), False
    if isinstance(exc, urllib3.exceptions.SSLError):
        return Response(status=NO_STATUS, error=f"TLS failed: {_root_cause(exc)}"), False
    return Response(status=NO_STATUS, error=f"connection broken: {_root_cause(exc)}"), True


def _root_cause(exc: BaseException) -> str:
    while exc.__cause__ is not None or exc.__context__ is not None:
        nxt = exc.__cause__ or exc.__context__
        assert nxt is not None
        exc = nxt
    text = str(exc)
    return text.split(": ", 1)[-1] if "object at 0x" in text else text


# -- kubeconfig ------------------------------------------------------------------------------------

FLAGS_ONLY = "(command-line flags)"  # the name of a context, cluster or user that only flags define
# The one kubeconfig reader: the reader below, completion and --all-contexts all go through
# ``load_kubeconfig``, so they see the same merged file by the same rules as kubectl.

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


def _load_configuration(connection: Connection, plugin_deadline: float = EXEC_PLUGIN_DEADLINE_SECONDS,
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
        raise ArchError(f"getting credentials for context {name!r}: {plugin_failures[0]}",
                        hint="log in again with the tool the kubeconfig's exec plugin runs, then retry")
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


def _deadline_popen(deadline: float) -> type[subprocess.Popen[str]]:
    """``subprocess.Popen`` whose ``communicate`` stops a process that runs past ``deadline`` seconds."""

    class DeadlinePopen(subprocess.Popen):
        def communicate(self, input: Any = None, timeout: float | None = None) -> Any:
            try:
                return super().communicate(input, timeout if timeout is not None else deadline)
            except subprocess.TimeoutExpired:
                self.kill()
                super().communicate()
                raise _PluginTimeout(f"the exec credential plugin {self.args!r} did not finish within "
                                     f"{deadline:g}s and was stopped") from None

    return DeadlinePopen


@contextlib.contextmanager
def _exec_plugins_guarded(deadline: float) -> Iterator[list[str]]:
    """Run the client's exec credential plugins under a deadline and collect their failures.

    The client catches a failing plugin, logs it and carries on anonymously; here each failure is kept so
    the caller can stop with one line. Its log line is silenced: the caller's message replaces it.
    """
    import types

    from kubernetes.config import exec_provider, kube_config

    failures: list[str] = []
    original = kube_config.ExecProvider

    class GuardedExecProvider(original):  # type: ignore[misc, valid-type]
        def run(self, previous_response: Any = None) -> Any:
            try:
                return super().run(previous_response)
            except Exception as exc:
                failures.append(f"exec: {_first_line(exc).removeprefix('exec: ')}")
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


# TLS alerts a server sends when it rejects the client certificate (expired, unknown CA, revoked).
_CLIENT_CERTIFICATE_ALERTS = (
    "ALERT_CERTIFICATE_EXPIRED",
    "ALERT_BAD_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_CERTIFICATE_REVOKED",
    "ALERT_CERTIFICATE_UNKNOWN",
    "ALERT_CERTIFICATE_REQUIRED",
)


def _credential_flag(connection: Connection) -> tuple[str, str] | None:
    """The flag that chose other credentials than the context's user, and them in words; None for the context's.
    A refusal is then the flag's, and "refresh the kubeconfig" would send the user to the wrong place."""
    if connection.token:
        return "--token", "the token given with --token"
    if connection.client_certificate:
        return "--client-certificate", "the client certificate given with --client-certificate"
    return ("--user", f"the credentials of user {connection.user} (--user)") if connection.user else None


def cluster_unreadable(response: Response, source: KubeSource) -> ArchError:
    """The one-line error for a first request that failed: what happened and what to try."""
    server = source.server
    context = source.credentials().context or "in-cluster"
    error = response.error or ""
    flag, given = source.credential_flag or ("", "")
    if response.status == 401:
        if flag in ("--token", "--client-certificate"):  # not the kubeconfig's: refreshing it changes nothing
            return ArchError(f"the API server {server} rejected {given} (HTTP 401)",
                             hint="check that it is for this cluster and has not expired")
        return ArchError(
            f"the API server {server} rejected {given or f'the credentials of context {context}'} (HTTP 401)",
            hint="they may have expired: log in again or refresh the kubeconfig",
        )
    if any(alert in error for alert in _CLIENT_CERTIFICATE_ALERTS):
        if flag == "--client-certificate":
            return ArchError(f"the API server {server} refused {given}: {error}",
                             hint="the certificate may have expired: renew it")
        return ArchError(
            f"the API server {server} refused the client certificate credentials of context {context}: {error}",
            hint="the certificate may have expired: renew it or refresh the kubeconfig",
        )
    if "CERTIFICATE_VERIFY_FAILED" in error:
        return ArchError(
            f"the certificate of the API server {server} is not trusted: {error}",
            hint="check that the kubeconfig's certificate-authority-data is the cluster's CA",
        )
    if response.status == NO_STATUS and PROXY_UNREACHABLE in error:
        return ArchError(
            f"cannot reach the API server {server}: {error}",
            hint="check HTTPS_PROXY and NO_PROXY (or the kubeconfig's proxy-url), as kubectl reads them",
        )
    if response.status == NO_STATUS:
        return ArchError(
            f"cannot reach the API server {server}: {response.error}",
            hint="check the cluster is running and the kubeconfig's server address",
        )
    return ArchError(
        f"the API server {server} answered HTTP {response.status}: {response.error or ''}".rstrip(": "),
        hint=("it is not serving: check its health (`kubectl get --raw '/readyz?verbose'`) and its log"
              if response.status >= 500 else ""),
        code=ExitCode.CLUSTER_UNREADABLE,
    )
