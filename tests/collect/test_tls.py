"""The peer chain is read by a real TLS handshake with a local server presenting leaf + intermediate.

Python 3.13 reads it through the public ``SSLSocket.get_unverified_chain``; 3.10-3.12 through the TLS 1.2
handshake (``handshake_chain``). Each installed interpreter runs the module in its own process, so both
ways are proved whichever Python runs the suite; an interpreter that is not installed skips with its name.
"""

from __future__ import annotations

import glob
import json
import os
import queue
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kubectl_arch
from kubectl_arch.collect.tls import (
    CERTIFICATE,
    CHANGE_CIPHER_SPEC,
    HANDSHAKE,
    CertificateReader,
    certificate_list,
    handshake_chain,
    peer_chain,
)
from tests.harness.pki import CertKey, make_ca, make_leaf, write_pem

REPO = Path(kubectl_arch.__file__).resolve().parents[1]
OTHER_PYTHONS = ("3.10", "3.12", "3.13")
TIMEOUT = 10.0


@dataclass
class ChainServer:
    """A loopback TLS server presenting ``chain`` (leaf, intermediate); it records any byte a client sends."""

    chain: list[CertKey]
    address: tuple[str, int]
    received: queue.Queue[bytes] = field(default_factory=queue.Queue)

    @property
    def pems(self) -> list[str]:
        return [c.cert_pem for c in self.chain]

    def sent_by_clients(self, connections: int) -> list[bytes]:
        """What each of the next ``connections`` clients sent after its handshake, waiting for the server."""
        return [self.received.get(timeout=TIMEOUT) for _ in range(connections)]


@pytest.fixture(scope="module")
def chain() -> list[CertKey]:
    root = make_ca("test-root")
    intermediate = make_ca("test-intermediate", issuer=root)
    leaf = make_leaf(intermediate, "kube-apiserver", dns_names=["localhost"], ip_addresses=["127.0.0.1"])
    return [leaf, intermediate]


@pytest.fixture
def serve(chain: list[CertKey], tmp_path: Path) -> Iterator[Callable[..., ChainServer]]:
    """Start a server; ``tls13_only`` refuses TLS 1.2, like an API server run with --tls-min-version=VersionTLS13."""
    stops: list[Callable[[], None]] = []

    def start(tls13_only: bool = False) -> ChainServer:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(write_pem(tmp_path / "chain.pem", *chain), chain[0].write(tmp_path, "leaf")[1])
        if tls13_only:
            context.minimum_version = ssl.TLSVersion.TLSv1_3
        listener = socket.create_server(("127.0.0.1", 0))
        server = ChainServer(chain, listener.getsockname()[:2])
        stopping = threading.Event()

        def loop() -> None:
            while not stopping.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.settimeout(TIMEOUT)
                    try:
                        with context.wrap_socket(conn, server_side=True) as tls:
                            server.received.put(tls.recv(1024))
                    except OSError:
                        continue  # a client that refused our version or hung up mid-handshake

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()

        def stop() -> None:
            stopping.set()
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() the thread is blocked in
            listener.close()
            thread.join(TIMEOUT)

        stops.append(stop)
        return server

    yield start
    for stop in stops:
        stop()


def _interpreter(version: str) -> str | None:
    """An installed ``python<version>`` that runs: on PATH, else under pyenv's versions folder."""
    name = f"python{version}"
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    for candidate in [shutil.which(name), *sorted(glob.glob(f"{root}/versions/{version}.*/bin/{name}"))]:
        if candidate and subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def _run_in(python: str, server: ChainServer) -> dict[str, list[str]]:
    """``peer_chain`` and ``handshake_chain`` of kubectl_arch.collect.tls, run by another interpreter."""
    probe = ("import json; from kubectl_arch.collect.tls import handshake_chain, peer_chain\n"
             f"address, timeout = {tuple(server.address)!r}, {TIMEOUT}\n"
             "print(json.dumps({f.__name__: f(address, 'localhost', timeout) for f in (peer_chain, handshake_chain)}))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([python, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def test_the_whole_chain_is_read_and_nothing_is_sent(serve: Callable[..., ChainServer]) -> None:
    server = serve()
    assert peer_chain(server.address, "localhost", TIMEOUT) == server.pems
    assert handshake_chain(server.address, "localhost", TIMEOUT) == server.pems
    assert server.sent_by_clients(2) == [b"", b""], "the handshake alone: no request, no byte of application data"


@pytest.mark.parametrize("version", OTHER_PYTHONS)
def test_every_python_reads_the_whole_chain(version: str, serve: Callable[..., ChainServer]) -> None:
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"python{version} is not installed (neither on PATH nor under pyenv)")
    server = serve()
    assert _run_in(python, server) == {"peer_chain": server.pems, "handshake_chain": server.pems}


@pytest.mark.parametrize("version", [f"{sys.version_info.major}.{sys.version_info.minor}", *OTHER_PYTHONS])
def test_a_tls13_only_server_gives_the_chain_on_313_and_the_leaf_before(
        version: str, serve: Callable[..., ChainServer]) -> None:
    """The fallback's documented loss: TLS 1.3 encrypts the Certificate message, so 3.10-3.12 see the leaf."""
    current = version == f"{sys.version_info.major}.{sys.version_info.minor}"
    python = sys.executable if current else _interpreter(version)
    if python is None:
        pytest.skip(f"python{version} is not installed (neither on PATH nor under pyenv)")
    server = serve(tls13_only=True)
    expected = server.pems if tuple(map(int, version.split("."))) >= (3, 13) else server.pems[:1]
    assert _run_in(python, server) == {"peer_chain": expected, "handshake_chain": server.pems[:1]}


def test_a_silent_server_fails_within_the_timeout() -> None:
    # The kernel completes the connection to a listening socket; nothing ever answers the ClientHello.
    with socket.create_server(("127.0.0.1", 0)) as listener, pytest.raises(OSError):
        handshake_chain(listener.getsockname()[:2], "localhost", 0.2)


def test_a_server_that_speaks_no_tls_is_an_ssl_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def answer() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(OSError):
            handshake_chain(listener.getsockname()[:2], "localhost", TIMEOUT)
        thread.join(TIMEOUT)


# -- the record reader, over bytes no server would send ------------------------------------------------------

def _length(value: int) -> bytes:
    return value.to_bytes(3, "big")


def _flight(certificates: list[bytes]) -> bytes:
    """A server's first flight: ServerHello (empty body), Certificate, then ChangeCipherSpec and noise."""
    entries = b"".join(_length(len(c)) + c for c in certificates)
    body = _length(len(entries)) + entries
    messages = bytes([2]) + _length(0) + bytes([CERTIFICATE]) + _length(len(body)) + body
    half = len(messages) // 2  # one handshake message split over two records, as servers may
    records = b"".join(bytes([HANDSHAKE, 3, 3]) + len(part).to_bytes(2, "big") + part
                       for part in (messages[:half], messages[half:]))
    return records + bytes([CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1]) + b"\x17" * 40


@given(st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=4), st.data())
def test_the_reader_finds_the_chain_however_the_bytes_arrive(certificates: list[bytes], data: st.DataObject) -> None:
    flight = _flight(certificates)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(flight)), max_size=20)))
    reader = CertificateReader()
    for start, end in zip([0, *cuts], [*cuts, len(flight)], strict=True):
        reader.feed(flight[start:end])
    assert reader.chain == certificates


@given(st.binary(max_size=2000))
def test_the_reader_never_fails_on_garbage(noise: bytes) -> None:
    reader = CertificateReader()
    reader.feed(noise)
    assert reader.chain is None or all(isinstance(c, bytes) and c for c in reader.chain)


@pytest.mark.parametrize("body", [b"", b"\x00\x00\x05\x00\x00\x01a", b"\x00\x00\x04\x00\x00\x09abc",
                                  b"\x00\x00\x03\x00\x00\x00"], ids=["empty", "total-too-long", "entry-too-long",
                                                                    "empty-entry"])
def test_a_certificate_list_whose_lengths_do_not_add_up_is_none(body: bytes) -> None:
    assert certificate_list(body) is None
