"""The certificate chain a TLS server presents, read by a handshake that trusts nothing and sends no request.

Python 3.13 made ``SSLSocket.get_unverified_chain`` public. Before it (3.10-3.12) the standard library shows
only the leaf, so ``handshake_chain`` reads the chain from the handshake itself: the client offers at most
TLS 1.2, where the server's Certificate message travels in clear, and keeps a copy of the server's bytes
while the ssl module does the handshake through memory buffers. Standard library only, public API only.
"""

from __future__ import annotations

import socket
import ssl
import sys
import time

# TLS record and handshake message types (RFC 5246 sections 6.2.1 and 7.4).
CHANGE_CIPHER_SPEC = 20
HANDSHAKE = 22
CERTIFICATE = 11
RECORD_HEADER = 5
MESSAGE_HEADER = 4
LENGTH_BYTES = 3
READ_BYTES = 65536


def peer_chain(address: tuple[str, int], server_name: str, timeout: float) -> list[str]:
    """The chain the server at ``address`` presents, as PEM, leaf first, in the order it sent them.

    Verification is off on purpose: an expired or untrusted certificate must still be read. Raises
    ``OSError`` (``ssl.SSLError`` included) when no handshake could be made within ``timeout`` seconds.
    """
    if sys.version_info >= (3, 13):
        with (socket.create_connection(address, timeout=timeout) as sock,
              _trusting_nothing().wrap_socket(sock, server_hostname=server_name) as tls):
            return [ssl.DER_cert_to_PEM_cert(der) for der in tls.get_unverified_chain()]
    return handshake_chain(address, server_name, timeout)


def handshake_chain(address: tuple[str, int], server_name: str, timeout: float) -> list[str]:
    """The chain read from a TLS 1.2 handshake: what ``peer_chain`` uses before Python 3.13.

    What it gives up: a server that refuses TLS 1.2 (one configured for TLS 1.3 only) encrypts its
    Certificate message, and the standard library of these versions shows only the leaf of an encrypted
    one; the answer is then the leaf alone, without the intermediates. Kubernetes serves TLS 1.2 unless
    told otherwise (--tls-min-version). A chain whose first certificate is not the handshake's leaf is
    never returned: the leaf alone is.
    """
    context = _trusting_nothing()
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        leaf, sent = _buffered_handshake(context, address, server_name, timeout)
    except ssl.SSLError as exc:
        if "PROTOCOL_VERSION" not in str(exc.reason):
            raise
        # The server refused TLS 1.2: an ordinary handshake shows the leaf.
        with (socket.create_connection(address, timeout=timeout) as sock,
              _trusting_nothing().wrap_socket(sock, server_hostname=server_name) as tls):
            der = tls.getpeercert(binary_form=True)
        return [ssl.DER_cert_to_PEM_cert(der)] if der else []
    if not leaf:
        return []
    chain = sent if sent and sent[0] == leaf else [leaf]
    return [ssl.DER_cert_to_PEM_cert(der) for der in chain]


def _trusting_nothing() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _buffered_handshake(context: ssl.SSLContext, address: tuple[str, int], server_name: str,
                        timeout: float) -> tuple[bytes | None, list[bytes] | None]:
    """Handshake through memory buffers, copying what the server sends: (the leaf, the chain it sent)."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
    reader = CertificateReader()
    deadline = time.monotonic() + timeout
    with socket.create_connection(address, timeout=timeout) as sock:
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                pass
            sock.sendall(outgoing.read())
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            received = sock.recv(READ_BYTES)
            if not received:
                raise ssl.SSLEOFError("the server closed the connection during the TLS handshake")
            incoming.write(received)
            reader.feed(received)
    return tls.getpeercert(binary_form=True), reader.chain


class CertificateReader:
    """Follows the server's side of a TLS 1.2 handshake and keeps the certificates of its Certificate message.

    Fed the raw bytes as they arrive, in pieces of any size. Reading stops at the first Certificate message,
    or at ChangeCipherSpec, after which records are encrypted. Bytes that do not parse leave ``chain`` None.
    """

    def __init__(self) -> None:
        self.chain: list[bytes] | None = None
        self._records = bytearray()
        self._messages = bytearray()
        self._done = False

    def feed(self, data: bytes) -> None:
        if self._done:
            return
        self._records += data
        while not self._done and len(self._records) >= RECORD_HEADER:
            kind, length = self._records[0], int.from_bytes(self._records[3:RECORD_HEADER], "big")
            if len(self._records) < RECORD_HEADER + length:
                return
            fragment = bytes(self._records[RECORD_HEADER:RECORD_HEADER + length])
            del self._records[:RECORD_HEADER + length]
            if kind == HANDSHAKE:
                self._messages += fragment
                self._read_messages()
            elif kind == CHANGE_CIPHER_SPEC:
                self._done = True

    def _read_messages(self) -> None:
        while not self._done and len(self._messages) >= MESSAGE_HEADER:
            kind, length = self._messages[0], int.from_bytes(self._messages[1:MESSAGE_HEADER], "big")
            if len(self._messages) < MESSAGE_HEADER + length:
                return
            body = bytes(self._messages[MESSAGE_HEADER:MESSAGE_HEADER + length])
            del self._messages[:MESSAGE_HEADER + length]
            if kind == CERTIFICATE:
                self.chain = certificate_list(body)
                self._done = True


def certificate_list(body: bytes) -> list[bytes] | None:
    """The DER certificates of a TLS 1.2 Certificate message body; None when its lengths do not add up."""
    if len(body) < LENGTH_BYTES or int.from_bytes(body[:LENGTH_BYTES], "big") != len(body) - LENGTH_BYTES:
        return None
    certificates: list[bytes] = []
    position = LENGTH_BYTES
    while position < len(body):
        size = int.from_bytes(body[position:position + LENGTH_BYTES], "big")
        start = position + LENGTH_BYTES
        if size == 0 or start + size > len(body):
            return None
        certificates.append(body[start:start + size])
        position = start + size
    return certificates
