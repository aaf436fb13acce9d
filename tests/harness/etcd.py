"""A real etcd for tests: Debian's ``etcd`` binary on 127.0.0.1, random ports, a throwaway data dir.

The etcd checks read latency histograms and database sizes that only a real etcd fills honestly, so
tests start one, write a few keys through its JSON gateway (``POST /v3/kv/put``, a write to this
test etcd only) and read ``/metrics`` through the same collection path the CLI uses. With ``tls`` the
member serves HTTPS and demands client certificates, as kubeadm's etcd does.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.harness.pki import make_ca, make_leaf

READY_WAIT_SECONDS = 30.0  # an upper bound for etcd to answer /health, not a measured duration


def etcd_binary() -> str | None:
    """The etcd executable, or None when Debian's etcd-server is not installed."""
    return shutil.which("etcd")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class EtcdTls:
    """etcd's CA, its serving certificate for 127.0.0.1, and a client certificate it accepts, as files."""

    ca_file: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path

    @classmethod
    def create(cls, directory: Path) -> EtcdTls:
        ca = make_ca("etcd-ca")
        server = make_leaf(ca, "etcd-test", dns_names=["localhost"], ip_addresses=["127.0.0.1"], client=True)
        client = make_leaf(ca, "kube-apiserver-etcd-client", server=False, client=True)
        ca_file = directory / "ca.crt"
        ca_file.write_text(ca.cert_pem)
        server_cert, server_key = server.write(directory, "server")
        client_cert, client_key = client.write(directory, "client")
        return cls(ca_file, server_cert, server_key, client_cert, client_key)

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class EtcdServer:
    """One etcd member started for a test; ``stop()`` ends the process and removes nothing else.

    Alone by default; ``cluster`` (name=peer URL pairs, this member's included) makes it one member of a
    cluster whose other members the caller starts (``EtcdCluster``), with ``wait=False`` until all run.
    """

    def __init__(self, data_dir: Path, tls: EtcdTls | None = None, name: str = "test",
                 peer_url: str | None = None, cluster: str | None = None, wait: bool = True) -> None:
        binary = etcd_binary()
        if binary is None:
            raise RuntimeError("etcd is not installed (apt-get install etcd-server)")
        self.tls = tls
        self.name = name
        scheme = "https" if tls else "http"
        self.client_url = f"{scheme}://127.0.0.1:{_free_port()}"
        peer_url = peer_url or f"http://127.0.0.1:{_free_port()}"
        args = [
            binary, "--name", name, "--data-dir", str(data_dir / name),
            "--listen-client-urls", self.client_url, "--advertise-client-urls", self.client_url,
            "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
            "--initial-cluster", cluster or f"{name}={peer_url}", "--initial-cluster-state", "new",
            "--logger", "zap", "--log-level", "error",
        ]
        if tls:
            args += ["--cert-file", str(tls.server_cert), "--key-file", str(tls.server_key),
                     "--trusted-ca-file", str(tls.ca_file), "--client-cert-auth"]
        self.log_path = data_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT)
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=tls.client_context() if tls else ssl.create_default_context()))
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        self._wait_ready(self.log_path)

    def _request(self, path: str, body: dict[str, str] | None = None) -> dict[str, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.client_url + path, data=data, method="POST" if data else "GET",
                                         headers={"Content-Type": "application/json"})
        with self._opener.open(request, timeout=10) as answer:
            return dict(json.loads(answer.read() or b"{}"))

    def _wait_ready(self, log: Path) -> None:
        deadline = time.monotonic() + READY_WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"etcd exited with {self.process.returncode}: {log.read_text()[-2000:]}")
            try:
                if str(self._request("/health").get("health")) == "true":
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"etcd did not become healthy within {READY_WAIT_SECONDS:g}s: {log.read_text()[-2000:]}")

    def put(self, key: str, value: str) -> None:
        """Write one key through etcd's JSON gateway (each write is a WAL fsync and, soon, a commit)."""
        self._request("/v3/kv/put", {"key": _b64(key), "value": _b64(value)})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()



class EtcdCluster:
    """Several etcd members on loopback forming one cluster (plain HTTP), started together.

    Each member's /health turns true only once the cluster has elected a leader, so a ready cluster
    has quorum. ``stop()`` ends every member still running.
    """

    def __init__(self, data_dir: Path, size: int = 3) -> None:
        peers = {f"member-{index}": f"http://127.0.0.1:{_free_port()}" for index in range(size)}
        cluster = ",".join(f"{name}={url}" for name, url in peers.items())
        self.members: list[EtcdServer] = []
        try:
            for name, url in peers.items():
                self.members.append(EtcdServer(data_dir, name=name, peer_url=url, cluster=cluster, wait=False))
            for member in self.members:
                member.wait_ready()
        except BaseException:
            self.stop()
            raise

    @property
    def client_urls(self) -> list[str]:
        return [member.client_url for member in self.members]

    def stop(self) -> None:
        for member in self.members:
            member.stop()
