"""The live reader: with ``kubeconfig``, the only modules that import the kubernetes client.

It takes the configuration ``kubeconfig`` loads through the official client (exec plugins and in-cluster
config included), then sends raw GETs with the client's ``ApiClient`` and reads bodies as raw JSON: never
client model objects, which cost 13x the time on large lists. Transient failures (429 with Retry-After,
5xx, connection resets, truncated bodies) are retried a bounded number of times with backoff; every call
has a timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email.utils
import json
import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from kubectl_arch.collect.client_imports import import_client
from kubectl_arch.collect.concurrency import DEFAULT_IN_FLIGHT, SharedBackoff
from kubectl_arch.collect.connection import Connection
from kubectl_arch.collect.kubeconfig import EXEC_PLUGIN_DEADLINE_SECONDS, credential_flag, load_configuration
from kubectl_arch.collect.pool import share_one_tls_context
from kubectl_arch.collect.source import NO_STATUS, TABLE_ACCEPT, Credentials, Query, Response
from kubectl_arch.collect.tls import peer_chain
from kubectl_arch.errors import ArchError, ExitCode

import_client()  # without what a GET never runs (pydantic, OAuth, watch...): the first request goes out sooner

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.25
MAX_RETRY_AFTER_SECONDS = 10.0
JSON_ACCEPT = "application/json, */*"
# Answers that cannot change within one run, kept from their first good read: the start-up probe of
# /version is also the "version" need's answer, so a run asks for it once, not twice.
PROBE_PATH = "/version"
READ_ONCE_PATHS = frozenset({PROBE_PATH})
# Answers that may mean the whole cluster cannot be read (no connection, TLS, credentials), not one object;
# a 5xx /version with no read answered in the whole run means a server that is not serving (``check_readable``).
MAYBE_UNREADABLE = frozenset({NO_STATUS, 401})
# What every account may GET (the system:public-info-viewer and system:discovery ClusterRoles), and below
# them: an answer here says nothing about what the account may read. /api and /apis only as they are: below
# them are the resources.
PUBLIC_PATHS = ("/version", "/healthz", "/livez", "/readyz", "/openapi")
PUBLIC_ROOTS = ("/api", "/apis")


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
        self._configuration, self._credentials, self._impersonation, self._compressed = load_configuration(
            connection, plugin_deadline)
        self.credential_flag = credential_flag(connection)
        self.ca_flag = connection.certificate_authority  # the CA the command line gave, which a refusal then blames
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
        self._forbidden = 0  # reads beyond PUBLIC_PATHS answered 403 ...
        self._not_forbidden = False  # ... and whether any such read had another answer

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
        if probe.ok or probe.status == 403 or probe.status >= 500:  # a 5xx is judged once the reads are done
            return
        raise cluster_unreadable(probe, self)

    def check_readable(self) -> None:
        """Raise when every read beyond what any account may GET was forbidden. The credentials work, but a
        report of every component "unknown (HTTP 403)" would exit 0, and pass an audit in CI; one line says
        to grant the read-only roles instead. One read answered otherwise and the run reports as usual.

        Also where /version answered 5xx and no read of the run had an answer: a server that is not serving. Judged
        here, after every read, not when the probe's retries end: whether another read had answered by then was
        a race (a slow but served list lost it, and the run stopped as unreadable)."""
        probe = self._probe.response() if self._probe is not None else None
        if probe is not None and probe.status >= 500 and not self._served:
            raise cluster_unreadable(probe, self)
        if not self._forbidden or self._not_forbidden:
            return
        _flag, given = self.credential_flag or ("", "")
        who = given or f"the credentials of context {self._credentials.context or 'in-cluster'}"
        raise ArchError(
            f"the API server {self.server} accepted {who} but forbade all {self._forbidden} reads of the cluster "
            "(HTTP 403)",
            hint="grant the read-only roles `kubectl arch rbac` prints (an admin runs `kubectl arch rbac --bind-user "
                 "NAME | kubectl apply -f -`), or use a context that may read the cluster")

    # -- GET ---------------------------------------------------------------------------------------

    def get(self, path: str, query: Query | None = None, accept: str = JSON_ACCEPT) -> Response:
        once = not query and accept == JSON_ACCEPT and path in READ_ONCE_PATHS
        response = self._answer_once(path) if once else self._get(path, query, accept)
        if NO_STATUS < response.status < 500 and response.status != 401:
            self._served = True
        if not _is_public(path):
            with self._count_lock:
                self._forbidden += response.status == 403
                self._not_forbidden |= response.status != 403
        if response.status in MAYBE_UNREADABLE:
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


def _is_public(path: str) -> bool:
    """Whether ``path`` is one every account may GET (``PUBLIC_PATHS`` and below, ``PUBLIC_ROOTS``)."""
    trimmed = path.rstrip("/") or "/"
    return trimmed in PUBLIC_ROOTS or any(trimmed == p or trimmed.startswith(p + "/") for p in PUBLIC_PATHS)


# TLS alerts a server sends when it rejects the client certificate (expired, unknown CA, revoked).
_CLIENT_CERTIFICATE_ALERTS = (
    "ALERT_CERTIFICATE_EXPIRED",
    "ALERT_BAD_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_CERTIFICATE_REVOKED",
    "ALERT_CERTIFICATE_UNKNOWN",
    "ALERT_CERTIFICATE_REQUIRED",
)


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
    if "CERTIFICATE_VERIFY_FAILED" in error and ("Hostname mismatch" in error or "IP address mismatch" in error):
        return ArchError(
            f"the certificate of the API server {server} does not name the server it was checked against: {error}",
            hint="check the server address, and --tls-server-name or the kubeconfig's tls-server-name if one is set",
        )
    if "CERTIFICATE_VERIFY_FAILED" in error:
        return ArchError(
            f"the certificate of the API server {server} is not trusted: {error}",
            hint=(f"check that --certificate-authority {source.ca_flag} is the cluster's CA" if source.ca_flag else
                  "check that the kubeconfig's certificate-authority-data (or certificate-authority file) is the "
                  "cluster's CA"),
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
