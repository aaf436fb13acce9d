"""Collection for pki-expiry: the public certificate files under ``--pki-dir``, read on a control-plane node.

Only ``*.crt`` files are opened (kubeadm's layout: /etc/kubernetes/pki and pki/etcd); private keys
(``*.key``) are never opened. Like `kubeadm certs check-expiration`, the client certificates embedded in
the kubeconfigs beside the PKI directory (admin.conf, super-admin.conf, controller-manager.conf,
scheduler.conf; kubelet.conf points at the kubelet's rotating certificate instead) are checked too: those
files are read line by line and only the ``client-certificate-data`` line is kept; the key line is
never parsed, kept or stored. The answer is
``{"dir": ..., "files": [{"path": relative path, "pem": text} | {"path": ..., "error": why}]}``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from pathlib import Path

from kubectl_arch.audit.check import CheckOption, OptionKind
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.collect.source import NO_STATUS, Response, Source

PKI_FILES = "pki-files"
PKI_DIR = CheckOption("pki-dir", "Read certificates from this folder (on a control-plane node: /etc/kubernetes/pki).",
                      OptionKind.DIR, "DIR")
CERTIFICATE_SUFFIX = ".crt"
MAX_FILE_BYTES = 1024 * 1024  # a certificate bundle is a few KiB; a bigger file is not one
MAX_FILES = 500
# kubeadm's kubeconfigs with an embedded client certificate, beside the PKI directory (/etc/kubernetes).
KUBECONFIGS = ("admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf")
CLIENT_CERTIFICATE_DATA = "client-certificate-data:"


def kubeconfig_client_certificate(path: Path) -> dict[str, str]:
    """The client certificate a kubeconfig embeds, as PEM; every other line (the key's among them) is skipped."""
    label = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return {"path": label, "error": f"is larger than {MAX_FILE_BYTES} bytes", "kind": "kubeconfig"}
        with path.open(encoding="ascii", errors="replace") as handle:
            for line in handle:
                stripped = line.strip()
                if not stripped.startswith(CLIENT_CERTIFICATE_DATA):
                    continue
                value = stripped[len(CLIENT_CERTIFICATE_DATA):].strip().strip("'\"")
                try:
                    pem = base64.b64decode(value, validate=True).decode("ascii", errors="replace")
                except (binascii.Error, ValueError):
                    return {"path": label, "error": "has a client-certificate-data that is not base64",
                            "kind": "kubeconfig"}
                return {"path": label, "pem": pem, "kind": "kubeconfig"}
    except OSError as exc:
        return {"path": label, "error": f"could not be read: {exc.strerror or exc}", "kind": "kubeconfig"}
    return {"path": label, "error": "embeds no client certificate (client-certificate-data)", "kind": "kubeconfig"}


def read_kubeconfig_certificates(pki_directory: Path) -> list[dict[str, str]]:
    """The embedded client certificates of kubeadm's kubeconfigs next to ``pki_directory`` (those that exist)."""
    parent = pki_directory.resolve().parent
    return [kubeconfig_client_certificate(parent / name) for name in KUBECONFIGS if (parent / name).is_file()]


def read_certificate_files(directory: Path) -> list[dict[str, str]]:
    """Every ``*.crt`` below ``directory`` (sorted), as text or with the reason it could not be read."""
    files: list[dict[str, str]] = []
    for path in sorted(directory.rglob(f"*{CERTIFICATE_SUFFIX}"))[:MAX_FILES]:
        relative = str(path.relative_to(directory))
        try:
            if not path.is_file():
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                files.append({"path": relative, "error": f"is larger than {MAX_FILE_BYTES} bytes"})
                continue
            files.append({"path": relative, "pem": path.read_text(encoding="ascii", errors="replace")})
        except OSError as exc:
            files.append({"path": relative, "error": f"could not be read: {exc.strerror or exc}"})
    return files


def fetch_pki_files(_source: Source, data: ClusterData) -> Response:
    given = data.options.get(PKI_DIR.name)
    if not given:
        return Response(status=NO_STATUS, error="--pki-dir was not given", absent=True)
    directory = Path(str(given)).expanduser()
    if not directory.is_dir():
        return Response(status=NO_STATUS, error=f"--pki-dir {directory} is not a readable directory")
    try:
        files = read_certificate_files(directory) + read_kubeconfig_certificates(directory)
    except OSError as exc:
        return Response(status=NO_STATUS, error=f"--pki-dir {directory} could not be listed: {exc.strerror or exc}")
    # Local files are judged against this machine's clock at the time they were read, not against the
    # capture time of a sample or snapshot the rest of the run reads.
    read_at = dt.datetime.now(dt.timezone.utc).isoformat()
    return Response(status=200, data={"dir": str(directory), "files": files, "readAt": read_at})


NEED = register(Need(
    PKI_FILES,
    "the certificate files under --pki-dir",
    fetch=fetch_pki_files,
    rule=Rule(verbs=()),  # files on the node this runs on, not the Kubernetes API
))
