"""A local HTTPS Kubernetes API server for tests: real TLS, real auth, recorded requests, scripted faults.

Tests run the real kubernetes client (and real kubectl) against it, so what they prove holds for the
bytes a cluster sends. It answers from any backend with ``get(path, query) -> Response``: an
``ApiStore`` (bundled samples, generated clusters) or a ``SnapshotSource``. Every request, whatever its
method, is recorded before anything else happens, so the read-only proof sees all of them.

    server = ApiServer(store, now=sample.captured_at).start()
    server.fail("/api/v1/nodes", status=429, times=2, retry_after=1)
    ...
    assert all(r.method == "GET" for r in server.requests)
    server.stop()
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import fnmatch
import gzip
import json
import socket
import ssl
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from kubectl_arch.collect.apistore import status_object
from kubectl_arch.collect.source import Query, Response
from kubectl_arch.collect.tables import wants_table
from tests.harness.discovery import discovery
from tests.harness.pki import CertKey, make_serving_pair

# What a fault or a watch script applies to: an exact path, a glob ("/api/v1/namespaces/*/pods"),
# or a predicate over (path, query).
Match = str | Callable[[str, Mapping[str, str]], bool]
# Decides whether ``user`` may GET ``path``: the RBAC of a test (None means everyone may read everything).
Authorizer = Callable[[str, str, Mapping[str, str]], bool]

DEFAULT_TOKEN = "test-token-0123456789"  # a fake, loopback-only bearer token
ANONYMOUS = "system:anonymous"
# The ``reason`` kube-apiserver puts in a Status for each code.
STATUS_REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 410: "Expired",
                  429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable", 504: "Timeout"}


class Backend(Protocol):
    """What the server answers from: ApiStore, SnapshotSource, or a benchmark's lazy generator."""

    def get(self, path: str, query: Query | None = None) -> Response: ...


# kube-apiserver compresses answers over 128 KiB for clients that accept gzip, at level 1 (the least CPU for
# nearly the same size: kubernetes/kubernetes#112299).
GZIP_THRESHOLD_BYTES = 128 * 1024
GZIP_LEVEL = 1


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it. The bearer token itself is never kept, only who it was."""

    method: str
    path: str
    query: dict[str, str]
    user: str
    authorization: bool  # an Authorization header was sent
    client_certificate: bool  # a verified client certificate was presented
    headers: dict[str, str]  # lower-case names, Authorization removed
    header_lines: tuple[tuple[str, str], ...] = ()  # every header line in order (repeated ones too), the same way

    @property
    def is_watch(self) -> bool:
        return self.query.get("watch") in ("1", "true")


@dataclass
class Fault:
    """A scripted failure for matching requests, applied ``times`` times (None: every time)."""

    match: Match
    kind: str  # status | reset | reset-mid | delay | hold | truncate | trickle
    times: int | None = 1
    status: int = 500
    retry_after: float | None = None
    seconds: float = 0.0
    applied: int = 0
    released: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def matches(self, path: str, query: Mapping[str, str]) -> bool:
        return matches(self.match, path, query)

    def release(self) -> None:
        """Let the requests a ``hold`` keeps waiting (and any later ones) be answered now."""
        self.released.set()

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.applied >= self.times


@dataclass
class WatchScript:
    """Events a watch of a matching path streams, ``delay`` seconds apart; ``drop_after`` cuts it short."""

    match: Match
    events: list[dict[str, Any]]
    delay: float = 0.0
    drop_after: int | None = None  # close the connection after this many events, with no end chunk


def matches(match: Match, path: str, query: Mapping[str, str]) -> bool:
    """Whether a request is what ``match`` names: the exact path, a glob over paths, or a predicate."""
    if callable(match):
        return bool(match(path, query))
    return path == match or fnmatch.fnmatchcase(path, match)


@dataclass
class Identity:
    """Who the server authenticated: a user name from a token or a client certificate."""

    user: str = ANONYMOUS
    authenticated: bool = False
    client_certificate: bool = False


class ApiServer:
    """An HTTPS API server on 127.0.0.1 serving ``backend``; start() it, stop() it (or use ``with``)."""

    def __init__(
        self,
        backend: Backend,
        *,
        now: dt.datetime | None = None,
        tokens: Mapping[str, str] | None = None,
        client_ca: CertKey | None = None,
        authorizer: Authorizer | None = None,
        serving: tuple[CertKey, CertKey] | None = None,
        allow_anonymous: bool = False,
    ) -> None:
        """``tokens`` maps bearer tokens to user names (default: DEFAULT_TOKEN is user "test-user");
        ``client_ca`` enables mTLS (certificates it signed authenticate as their CN); ``now`` pins the
        Date header so a live run measures ages exactly as an offline run of the same data does."""
        self.backend = backend
        self.now = now
        self.tokens = dict(tokens) if tokens is not None else {DEFAULT_TOKEN: "test-user"}
        self.client_ca = client_ca
        self.authorizer = authorizer
        self.allow_anonymous = allow_anonymous
        self.ca, self.serving = serving or make_serving_pair(valid_at=now)
        self.faults: list[Fault] = []
        self.watches: list[WatchScript] = []
        self._requests: list[RecordedRequest] = []
        self.errors: list[str] = []  # exceptions raised while serving (client disconnects excluded)
        self.body_bytes_sent = 0  # answer bodies as sent on the wire (compressed where they were)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _TLSServer | None = None
        self._thread: threading.Thread | None = None
        self._pem_dir = tempfile.TemporaryDirectory(prefix="kubectl-arch-apiserver-")

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> ApiServer:
        cert_path, key_path = self.serving.write(self._pem_dir.name, "apiserver")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        if self.client_ca is not None:
            context.load_verify_locations(cadata=self.client_ca.cert_pem)
            context.verify_mode = ssl.CERT_OPTIONAL
        self._httpd = _TLSServer(("127.0.0.1", 0), _Handler, context, self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"apiserver-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes handlers sleeping in a delay or a watch so nothing lingers."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self._pem_dir.cleanup()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_pem(self) -> str:
        """The CA a client must trust (kubeconfig ``certificate-authority-data``)."""
        return self.ca.cert_pem

    # -- recording ----------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, match: Match) -> list[RecordedRequest]:
        return [r for r in self.requests if matches(match, r.path, r.query)]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self.body_bytes_sent = 0

    def _count_body(self, size: int) -> None:
        with self._lock:
            self.body_bytes_sent += size

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    # -- scripting ----------------------------------------------------------------------------------

    def fail(self, match: Match, status: int = 500, *, times: int | None = 1,
             retry_after: float | None = None) -> Fault:
        """Answer matching requests with ``status`` (a Status body), with ``Retry-After`` when given."""
        return self._add(Fault(match, "status", times=times, status=status, retry_after=retry_after))

    def reset(self, match: Match, *, times: int | None = 1, mid_response: bool = False) -> Fault:
        """Reset the connection (RST) before answering, or after half of the response (``mid_response``)."""
        return self._add(Fault(match, "reset-mid" if mid_response else "reset", times=times))

    def delay(self, match: Match, seconds: float, *, times: int | None = 1) -> Fault:
        """Wait ``seconds`` before answering normally (beyond the client's timeout, it gives up first)."""
        return self._add(Fault(match, "delay", times=times, seconds=seconds))

    def hold(self, match: Match, *, at_most: float, times: int | None = 1) -> Fault:
        """Keep matching requests waiting until the test calls ``release()`` on the returned fault (when what
        it waits for has happened), then answer normally; after ``at_most`` seconds they are answered anyway,
        so a test whose awaited event never comes fails instead of hanging."""
        return self._add(Fault(match, "hold", times=times, seconds=at_most))

    def truncate(self, match: Match, *, times: int | None = 1) -> Fault:
        """Declare the full Content-Length, send half of the body, then close: a cut-off JSON answer."""
        return self._add(Fault(match, "truncate", times=times))

    def trickle(self, match: Match, seconds: float, *, times: int | None = 1) -> Fault:
        """Answer normally but send the body one byte every ``seconds``: each socket read is quick, the
        whole request is not (what --request-timeout must bound)."""
        return self._add(Fault(match, "trickle", times=times, seconds=seconds))

    def script_watch(self, match: Match, events: Sequence[dict[str, Any]], *, delay: float = 0.0,
                     drop_after: int | None = None) -> WatchScript:
        """Events (``{"type": "ADDED", "object": {...}}``) a ``?watch=1`` of matching paths streams.

        The stream ends when the events run out or ``timeoutSeconds`` passes; ``drop_after`` cuts the
        connection mid-stream. A watch of a path with no script ends at once with no events.
        """
        script = WatchScript(match, list(events), delay=delay, drop_after=drop_after)
        with self._lock:
            self.watches.append(script)
        return script

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, path: str, query: Mapping[str, str]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if not fault.exhausted and fault.matches(path, query):
                    fault.applied += 1
                    return fault
        return None

    def _watch_script(self, path: str, query: Mapping[str, str]) -> WatchScript | None:
        with self._lock:
            return next((w for w in self.watches if matches(w.match, path, query)), None)

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True when it is stopping."""
        return self._stopping.wait(seconds)

    def _hold(self, fault: Fault) -> bool:
        """Wait for ``fault.release()``, at most ``fault.seconds``; True when the server is stopping."""
        deadline = time.monotonic() + fault.seconds
        while not fault.released.wait(0.02):
            if self._stopping.is_set():
                return True
            if time.monotonic() >= deadline:
                break
        return False

    def _authenticate(self, authorization: str | None, client_certificate: dict[str, Any] | None) -> Identity:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            user = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
            return Identity(user, True) if user else Identity(ANONYMOUS, False)
        if client_certificate:
            subject = dict(item for rdn in client_certificate.get("subject", ()) for item in rdn)
            return Identity(str(subject.get("commonName", "")), True, client_certificate=True)
        return Identity(ANONYMOUS, self.allow_anonymous)

    def answer(self, path: str, query: Mapping[str, str], accept: str | None = None) -> Response:
        """The backend's answer; discovery paths it does not know are built from its resources.

        An Accept header asking for a Table gets one from a backend that prints them (``get_table``);
        other backends answer the plain JSON, as a server without Table support does.
        """
        table = getattr(self.backend, "get_table", None) if wants_table(accept) else None
        try:
            response = table(path, query) if table is not None else self.backend.get(path, query)
        except Exception as exc:  # a bug in a test backend: answer 500 and keep it for the test to see
            self.errors.append(f"{path}: {exc!r}")
            return Response(status=500, error=f"the test backend raised {exc!r}")
        resources = getattr(self.backend, "resources", None)
        if response.status == 404 and isinstance(resources, Mapping):
            return discovery(path, resources.values()) or response
        return response

    def date_header(self) -> str:
        moment = self.now or dt.datetime.now(dt.timezone.utc)
        return email.utils.format_datetime(moment.astimezone(dt.timezone.utc), usegmt=True)


class _TLSServer(ThreadingHTTPServer):
    """Accepts TCP in the serving thread and does the TLS handshake in the request's own thread,
    so a client that never finishes its handshake cannot block the others."""

    daemon_threads = True
    # socketserver's default backlog of 5 drops the SYNs of a client opening ten connections at once, and the
    # client's kernel sends them again a second later; kube-apiserver listens with the kernel's somaxconn.
    request_queue_size = 4096

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 context: ssl.SSLContext, api: ApiServer) -> None:
        super().__init__(address, handler)
        self.context = context
        self.api = api

    def finish_request(self, request: Any, client_address: Any) -> None:
        # Without TCP_NODELAY, headers and body written apart wait 40 ms on the client's delayed ACK.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tls = self.context.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        try:
            tls.do_handshake()
        except (ssl.SSLError, OSError):
            _drain(tls)  # a failed handshake (untrusted or expired client cert, a probe): nothing to serve
            return
        try:
            _Handler(tls, client_address, self)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep the error for ``ApiServer.errors`` instead of printing it; disconnects are expected."""
        import sys
        import traceback

        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError)):
            self.api.errors.append("".join(traceback.format_exception_only(error)).strip() if error else "unknown")


def _drain(tls: ssl.SSLSocket) -> None:
    """Close after a failed handshake so the client reads our TLS alert: closing with its request still
    unread would send a TCP RST, which can destroy the alert before the client reads it."""
    raw = socket.socket(fileno=tls.detach())
    with contextlib.suppress(OSError), raw:
        raw.settimeout(1.0)  # a bound for a client that never closes, not a measured duration
        raw.shutdown(socket.SHUT_WR)
        while raw.recv(65536):
            pass


class _Handler(BaseHTTPRequestHandler):
    """Answers one connection's requests; every method is recorded, only GET is served."""

    protocol_version = "HTTP/1.1"
    server: _TLSServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``ApiServer.requests`` instead of a log."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        return self.server.api.date_header()

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- request ------------------------------------------------------------------------------------

    def _serve(self) -> None:
        api = self.server.api
        parts = urlsplit(self.path)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        peer = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        identity = api._authenticate(self.headers.get("Authorization"), peer or None)
        api._record(RecordedRequest(
            method=self.command, path=path, query=query, user=identity.user,
            authorization="Authorization" in self.headers, client_certificate=identity.client_certificate,
            headers={k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"},
            header_lines=tuple((k.lower(), v) for k, v in self.headers.items() if k.lower() != "authorization"),
        ))
        self._discard_body()
        if not identity.authenticated:
            self._send_status(401, "Unauthorized", "Unauthorized")
            return
        if self.command != "GET":
            self._send_status(405, "MethodNotAllowed", f"the test API server is read-only: {self.command} refused")
            return
        if api.authorizer is not None and not api.authorizer(identity.user, path, query):
            self._send_status(403, "Forbidden", f'User "{identity.user}" cannot get path "{path}"')
            return
        fault = api._take_fault(path, query)
        if fault is not None and self._apply(fault, path, query):
            return
        if query.get("watch") in ("1", "true"):
            self._stream_watch(path, query)
            return
        self._send_response(api.answer(path, query, self.headers.get("Accept")))

    def _discard_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    # -- faults -------------------------------------------------------------------------------------

    def _apply(self, fault: Fault, path: str, query: Mapping[str, str]) -> bool:
        """Apply ``fault``; True when it answered (or broke) the request, False to answer normally."""
        if fault.kind == "delay":
            return self.server.api._sleep(fault.seconds)
        if fault.kind == "hold":
            return self.server.api._hold(fault)
        if fault.kind == "status":
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            reason = STATUS_REASONS.get(fault.status, "InternalError")
            self._send_status(fault.status, reason, f"injected HTTP {fault.status}", extra)
            return True
        if fault.kind == "reset":
            self._reset()
            return True
        body = self._body_of(self.server.api.answer(path, query))[0]
        if fault.kind == "trickle":
            self._trickle(body, fault.seconds)
            return True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])
        if fault.kind == "reset-mid":
            self._reset()
        else:  # truncate: a clean close with bytes missing
            self._drop()
        return True

    def _trickle(self, body: bytes, seconds: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for index in range(len(body)):
            if self.server.api._sleep(seconds):
                return
            try:
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
            except OSError:  # the client gave up: what the test wants
                self.close_connection = True
                return

    def _reset(self) -> None:
        """Close with SO_LINGER 0, so the client gets a TCP RST rather than a clean close."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw = socket.socket(fileno=self.connection.detach())
        raw.close()

    def _drop(self) -> None:
        """Close cleanly (FIN) mid-message: what was sent arrives, the rest never does."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    # -- answers ------------------------------------------------------------------------------------

    def _send_status(self, code: int, reason: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        self._send_json(code, json.dumps(status_object(code, reason, message)).encode(), headers)

    def _send_json(self, code: int, body: bytes, headers: Mapping[str, str] | None = None,
                   content_type: str = "application/json") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    @staticmethod
    def _body_of(response: Response) -> tuple[bytes, str, int]:
        """The HTTP body, content type and status of a backend answer (no status: 404, as unknown)."""
        status = response.status or 404
        if response.data is not None:
            return json.dumps(response.data).encode(), "application/json", status
        if response.text is not None:
            content_type = response.headers.get("content-type", "text/plain; charset=utf-8")
            return response.text.encode(), content_type, status
        reason = "NotFound" if status == 404 else "InternalError"
        body = status_object(status, reason, response.error or f"HTTP {status}")
        return json.dumps(body).encode(), "application/json", status

    def _send_response(self, response: Response) -> None:
        """The answer, gzip-compressed as kube-apiserver does (APIResponseCompression): when the client accepts
        gzip and the body is over 128 KiB, at level 1."""
        body, content_type, status = self._body_of(response)
        headers = {}
        accepted = {part.split(";")[0].strip().lower() for part in self.headers.get("Accept-Encoding", "").split(",")}
        if "gzip" in accepted and len(body) > GZIP_THRESHOLD_BYTES:
            body = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
            headers["Content-Encoding"] = "gzip"
        self.server.api._count_body(len(body))
        self._send_json(status, body, headers, content_type=content_type)

    # -- watch --------------------------------------------------------------------------------------

    def _stream_watch(self, path: str, query: Mapping[str, str]) -> None:
        api = self.server.api
        script = api._watch_script(path, query)
        timeout = float(query.get("timeoutSeconds") or 1800)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        started = time.monotonic()
        for sent, event in enumerate(script.events if script else []):
            if script and script.drop_after is not None and sent >= script.drop_after:
                self._drop()
                return
            late = script is not None and time.monotonic() - started + script.delay > timeout
            if script and script.delay and (late or api._sleep(script.delay)):
                break
            line = json.dumps(event).encode() + b"\n"
            self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")


def serve(backend: Backend, **kwargs: Any) -> ApiServer:
    """Start a server for ``backend`` (keyword arguments as ``ApiServer``); the caller stops it."""
    return ApiServer(backend, **kwargs).start()


def write_ca(server: ApiServer, directory: str | Path) -> Path:
    """The server's CA as a PEM file, for clients that want a path (kubectl --certificate-authority)."""
    path = Path(directory) / "apiserver-ca.crt"
    path.write_text(server.ca_pem)
    return path
