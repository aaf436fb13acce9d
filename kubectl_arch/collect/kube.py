"""The live reader: the only module that imports the kubernetes client.

It loads kubeconfig (exec plugins and in-cluster config included) through the official client, then
sends raw GETs with the client's ``ApiClient`` and reads bodies as raw JSON: never client model objects,
which cost 13x the time on large lists. Transient failures (429 with Retry-After, 5xx, connection
resets, truncated bodies) are retried a bounded number of times with backoff; every call has a timeout.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kubectl_arch.collect.source import NO_STATUS, Credentials, Query, Response
from kubectl_arch.collect.tls import peer_chain
from kubectl_arch.errors import ArchError, ExitCode

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = 0.25
MAX_RETRY_AFTER_SECONDS = 10.0


class KubeSource:
    """Reads a live cluster through the kubernetes client, GET and watch only."""

    def __init__(
        self,
        kubeconfig: str | None = None,
        context: str | None = None,
        request_timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from kubernetes import client as k8s_client  # lazy: 0.3 s to import, never on --help

        self._timeout = request_timeout
        self._sleep = sleep
        self._configuration, self._credentials = _load_configuration(kubeconfig, context)
        # Our own bounded retry loop decides what is retried; urllib3 must not retry behind our back.
        import urllib3

        self._configuration.retries = urllib3.Retry(total=0, connect=0, read=0, redirect=0, status=0)
        self._client = k8s_client.ApiClient(self._configuration)
        self._server_time: dt.datetime | None = None  # the Date of the latest answer
        self.requests_sent = 0

    @property
    def description(self) -> str:
        name = self._credentials.context or "in-cluster"
        return f"context {name} ({self._credentials.server})"

    @property
    def server(self) -> str:
        return str(self._configuration.host)

    def credentials(self) -> Credentials:
        return self._credentials

    def now(self) -> dt.datetime:
        """The API server's clock: the Date of its latest answer, so ages match the server's view even when
        this machine's clock is off, and a live run and its snapshot measure against the same instant.

        Before any answer, one GET of /version learns the clock; local time only if the server sends no Date.
        """
        if self._server_time is None:
            self.get("/version")
        return self._server_time or dt.datetime.now(dt.timezone.utc)

    # -- GET ---------------------------------------------------------------------------------------

    def get(self, path: str, query: Query | None = None) -> Response:
        attempt = 0
        while True:
            attempt += 1
            response, retryable = self._get_once(path, query)
            if not retryable or attempt >= MAX_ATTEMPTS:
                if retryable and attempt > 1:
                    response.error = f"{response.error or f'HTTP {response.status}'} (after {attempt} attempts)"
                return response
            self._sleep(self._backoff(attempt, response))

    def _backoff(self, attempt: int, response: Response) -> float:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.strip().isdigit():
            return min(float(retry_after), MAX_RETRY_AFTER_SECONDS)
        return BACKOFF_SECONDS * (2 ** (attempt - 1))

    def _get_once(self, path: str, query: Query | None) -> tuple[Response, bool]:
        """One GET; returns the response and whether it is worth retrying."""
        import urllib3
        from kubernetes.client.exceptions import ApiException

        raw = None
        try:
            raw = self._send(path, query)
            body = raw.read()
        except ApiException as exc:  # the client wraps TLS failures as status 0
            reason = str(exc.reason or exc).splitlines()
            return Response(status=exc.status or NO_STATUS, error=f"TLS or client error: {' '.join(reason)}"), False
        except urllib3.exceptions.MaxRetryError as exc:
            return _transport_error(exc.reason or exc, self._timeout)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return _transport_error(exc, self._timeout)
        finally:
            if raw is not None:
                raw.release_conn()
        headers = {k.lower(): v for k, v in raw.headers.items()}
        self._note_server_clock(headers.get("date"))
        response = _parse_body(raw.status, body, headers)
        truncated = response.status == 200 and response.error is not None
        return response, truncated or _worth_retrying(path, response.status)

    def _send(self, path: str, query: Query | None, stream_timeout: float | None = None) -> Any:
        """Send one GET through the client's ApiClient, without preloading or deserialising the body."""
        method, url, headers, _body, _post = self._client.param_serialize(
            "GET",
            path,
            query_params=list((query or {}).items()),
            header_params={"Accept": "application/json, */*"},
            auth_settings=["BearerToken"],
        )
        self.requests_sent += 1
        timeout = (self._timeout, stream_timeout or self._timeout)
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
            chain = peer_chain((parts.hostname, parts.port or 443), server_name, self._timeout)
        except (OSError, ssl.SSLError) as exc:
            return Response(
                status=NO_STATUS, error=f"TLS handshake with {parts.hostname}:{parts.port or 443} failed: {exc}"
            )
        return Response(status=200, data=chain)


def _parse_body(status: int, body: bytes, headers: dict[str, str]) -> Response:
    """Parse JSON bodies (Status objects included); keep anything else as text."""
    content_type = headers.get("content-type", "")
    text = body.decode("utf-8", errors="replace")
    # Guess only without a Content-Type: /readyz?verbose answers text/plain starting with "[+]ping ok".
    looks_json = "json" in content_type or (not content_type and text.lstrip().startswith(("{", "[")))
    if looks_json:
        try:
            data = json.loads(body)
        except ValueError:
            if 200 <= status < 300:
                return Response(status=status, error="the response was not valid JSON (truncated?)", headers=headers)
            return Response(status=status, text=text, error=f"HTTP {status}", headers=headers)
        if 200 <= status < 300:
            return Response(status=status, data=data, headers=headers)
        message = data.get("message") if isinstance(data, dict) else None
        return Response(status=status, data=data, error=message or f"HTTP {status}", headers=headers)
    if 200 <= status < 300:
        return Response(status=status, text=text, headers=headers)
    return Response(status=status, text=text, error=text.strip()[:200] or f"HTTP {status}", headers=headers)


# Health endpoints answer 500 as their verdict (a failed check), not as a passing fault.
HEALTH_PATHS = frozenset({"/readyz", "/livez", "/healthz"})


def _worth_retrying(path: str, status: int) -> bool:
    """429 and 5xx from the API server pass; a 5xx through a node or pod proxy comes from what is behind it
    (an etcd metrics port that is closed, a kubelet that is down), which a retry a second later does not fix,
    and a 500 from /readyz is the answer itself."""
    if status == 429:
        return True
    return status in RETRY_STATUSES and "/proxy/" not in path and path.rstrip("/") not in HEALTH_PATHS


def _transport_error(exc: BaseException, timeout: float) -> tuple[Response, bool]:
    """Turn a connection-level failure into data; resets and broken bodies are worth one more try."""
    import urllib3

    # NewConnectionError subclasses urllib3's TimeoutError: test it first, or "refused" reads as "timed out".
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return Response(status=NO_STATUS, error=f"connection failed: {_root_cause(exc)}"), False
    if isinstance(exc, (urllib3.exceptions.TimeoutError, socket.timeout, TimeoutError)):
        return Response(status=NO_STATUS, error=f"timed out after {timeout:g}s (--request-timeout)"), False
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


def _load_configuration(kubeconfig: str | None, context: str | None) -> tuple[Any, Credentials]:
    """Load the kubeconfig entry in use (or in-cluster config) into a client Configuration."""
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config
    from kubernetes.config.config_exception import ConfigException

    configuration = k8s_client.Configuration()
    paths = kubeconfig or os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
    existing = [p for p in paths.split(os.pathsep) if p and Path(p).expanduser().exists()]
    if not existing:
        if kubeconfig is None and os.environ.get("KUBERNETES_SERVICE_HOST"):
            try:
                k8s_config.load_incluster_config(client_configuration=configuration)
            except ConfigException as exc:
                raise ArchError(f"in-cluster config could not be loaded: {exc}") from None
            return configuration, _credentials(configuration, "", "in-cluster")
        raise ArchError(
            f"no kubeconfig found at {paths}",
            hint="pass --kubeconfig FILE, set KUBECONFIG, or try a bundled sample with --sample kind-ha",
        )
    config_file = os.pathsep.join(str(Path(p).expanduser()) for p in existing)
    for path in existing:
        _check_kubeconfig_file(Path(path).expanduser())
    try:
        contexts, active = k8s_config.list_kube_config_contexts(config_file=config_file)
    except (ConfigException, OSError, ValueError, TypeError, AttributeError) as exc:
        raise ArchError(
            f"kubeconfig {config_file} could not be read: {_first_line(exc)}",
            hint="check the file with `kubectl config view`",
        ) from None
    names = [c.get("name") for c in contexts or []]
    chosen = context or (active or {}).get("name")
    if context and context not in names:
        raise ArchError(
            f"context {context!r} is not in {config_file}",
            hint=f"known contexts: {', '.join(n for n in names if n) or 'none'}",
        )
    try:
        k8s_config.load_kube_config(
            config_file=config_file, context=context, client_configuration=configuration, persist_config=False
        )
    except (ConfigException, OSError, ValueError, TypeError, AttributeError) as exc:
        raise ArchError(
            f"kubeconfig context {chosen!r} could not be loaded: {_first_line(exc)}",
            hint="check it with `kubectl config view --minify`",
        ) from None
    entry: dict[str, Any] = next((c for c in contexts or [] if c.get("name") == chosen), {})
    user = (entry.get("context") or {}).get("user", "")
    creds = _credentials(configuration, chosen or "", _auth_kind(config_file, user))
    creds.namespace = (entry.get("context") or {}).get("namespace") or "default"
    return configuration, creds


def _check_kubeconfig_file(path: Path) -> None:
    """Refuse a file that is not YAML or not a mapping with one clear line (the client's errors are cryptic)."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text())
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


def _auth_kind(config_file: str, user: str) -> str:
    import yaml

    for path in config_file.split(os.pathsep):
        try:
            doc = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError):
            continue
        for entry in doc.get("users") or []:
            if entry.get("name") == user:
                fields = entry.get("user") or {}
                for key, kind in (
                    ("exec", "exec"),
                    ("auth-provider", "auth-provider"),
                    ("token", "token"),
                    ("tokenFile", "token"),
                    ("client-certificate-data", "client-certificate"),
                    ("client-certificate", "client-certificate"),
                ):
                    if key in fields:
                        return kind
                return "none"
    return "unknown"


def _credentials(configuration: Any, context: str, auth: str) -> Credentials:
    """Public certificate material only: the client certificate and the CA, never keys or tokens."""

    def read(path: str | None) -> str | None:
        if not path:
            return None
        try:
            return Path(path).read_text()
        except OSError:
            return None

    return Credentials(
        context=context,
        server=str(configuration.host),
        client_certificate_pem=read(configuration.cert_file),
        certificate_authority_pem=read(configuration.ssl_ca_cert),
        auth=auth,
    )


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


def cluster_unreadable(response: Response, source: KubeSource) -> ArchError:
    """The one-line error for a first request that failed: what happened and what to try."""
    server = source.server
    context = source.credentials().context or "in-cluster"
    error = response.error or ""
    if response.status == 401:
        return ArchError(
            f"the API server {server} rejected the credentials of context {context} (HTTP 401)",
            hint="they may have expired: log in again or refresh the kubeconfig",
        )
    if any(alert in error for alert in _CLIENT_CERTIFICATE_ALERTS):
        return ArchError(
            f"the API server {server} refused the client certificate credentials of context {context}: {error}",
            hint="the certificate may have expired: renew it or refresh the kubeconfig",
        )
    if "CERTIFICATE_VERIFY_FAILED" in error:
        return ArchError(
            f"the certificate of the API server {server} is not trusted: {error}",
            hint="check that the kubeconfig's certificate-authority-data is the cluster's CA",
        )
    if response.status == NO_STATUS:
        return ArchError(
            f"cannot reach the API server {server}: {response.error}",
            hint="check the cluster is running and the kubeconfig's server address",
        )
    return ArchError(
        f"the API server {server} answered HTTP {response.status}: {response.error or ''}".rstrip(": "),
        code=ExitCode.CLUSTER_UNREADABLE,
    )
