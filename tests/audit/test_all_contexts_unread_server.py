"""audit --all-contexts names the server of a cluster it could not read, from the kubeconfig: an empty server
in -o json and hostname "unknown" in -o junit hid which cluster failed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

UNREACHABLE = ("https://127.0.0.1:9", "https://127.0.0.1:7")  # discard and echo: nothing listens there


def _kubeconfig(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "one",
        "clusters": [{"name": f"c{i}", "cluster": {"server": server, "insecure-skip-tls-verify": True}}
                     for i, server in enumerate(UNREACHABLE)],
        "users": [{"name": "u", "user": {"token": "secret-token"}}],
        "contexts": [{"name": name, "context": {"cluster": f"c{i}", "user": "u"}}
                     for i, name in enumerate(("one", "two"))],
    }))
    return path


def test_json_and_junit_name_the_kubeconfig_server_of_an_unread_cluster(run_cli: Callable[..., Any],
                                                                         tmp_path: Path) -> None:
    config = _kubeconfig(tmp_path)
    base = ["audit", "--all-contexts", "--kubeconfig", str(config), "--request-timeout", "2s"]
    code, out, err = run_cli([*base, "-o", "json"])
    document = json.loads(out)
    clusters = document["clusters"] if isinstance(document, dict) and "clusters" in document else document
    servers = sorted(c["cluster"]["server"] for c in clusters)
    assert servers == sorted(UNREACHABLE), (code, out, err)
    assert "secret-token" not in out
    _, out, _ = run_cli([*base, "-o", "junit"])
    hostnames = sorted(suite.get("hostname") for suite in ET.fromstring(out).iter("testsuite"))
    assert hostnames == sorted(UNREACHABLE)
