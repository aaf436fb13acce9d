"""Collection for pki-expiry: the public certificate files under ``--pki-dir``, read on a control-plane node.

Only ``*.crt`` files are opened (kubeadm's layout: /etc/kubernetes/pki and pki/etcd); private keys
(``*.key``) and kubeconfigs (which embed keys) are never read. The answer is
``{"dir": ..., "files": [{"path": relative path, "pem": text} | {"path": ..., "error": why}]}``.
"""

from __future__ import annotations

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
        return Response(status=NO_STATUS, error="--pki-dir was not given")
    directory = Path(str(given)).expanduser()
    if not directory.is_dir():
        return Response(status=NO_STATUS, error=f"--pki-dir {directory} is not a readable directory")
    try:
        files = read_certificate_files(directory)
    except OSError as exc:
        return Response(status=NO_STATUS, error=f"--pki-dir {directory} could not be listed: {exc.strerror or exc}")
    return Response(status=200, data={"dir": str(directory), "files": files})


NEED = register(Need(
    PKI_FILES,
    "the certificate files under --pki-dir",
    fetch=fetch_pki_files,
    rule=Rule(verbs=()),  # files on the node this runs on, not the Kubernetes API
))
