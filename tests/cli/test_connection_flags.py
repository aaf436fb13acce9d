"""kubectl's connection flags on every command that reads a cluster, named and behaving as kubectl's, through
the real command line against the real client and the HTTPS test API server (and real kubectl to compare)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubectl_arch.cli.main import COMMANDS, cli
from tests.cli.conftest import Arch
from tests.harness.apiserver import DEFAULT_TOKEN, ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig
from tests.harness.pki import make_ca, make_leaf
from tests.harness.tiny import tiny_store

KUBECTL = shutil.which("kubectl")
CONNECTION_FLAGS = ("--kubeconfig", "--context", "--cluster", "--user", "-n", "--namespace", "--as", "--as-group",
                    "--as-uid", "--token", "-s", "--server", "--certificate-authority", "--client-certificate",
                    "--client-key", "--insecure-skip-tls-verify", "--tls-server-name", "--request-timeout")
CLUSTER_COMMANDS = ("explain", "audit", "trace", "snapshot")


def closed_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def server(api_server: Callable[..., ApiServer]) -> ApiServer:
    from tests.harness.tiny import CAPTURED_AT

    return api_server(tiny_store(), now=CAPTURED_AT, tokens={DEFAULT_TOKEN: "test-user", "other": "other-user"})


def write(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    return write_kubeconfig(tmp_path / name, document)


def snapshot_args(tmp_path: Path) -> list[str]:
    return ["snapshot", "-o", str(tmp_path / "out.json.gz")]


@pytest.mark.parametrize("command", CLUSTER_COMMANDS)
def test_every_cluster_command_takes_kubectls_connection_flags(command: str) -> None:
    import click

    ctx = click.Context(cli)
    found = {opt for p in cli.get_command(ctx, command).params for opt in p.opts}  # type: ignore[union-attr]
    expected = set(CONNECTION_FLAGS) - ({"-n", "--namespace"} if command == "explain" else set())
    assert expected <= found, sorted(expected - found)
    if command == "explain":  # explain reads the whole cluster: a namespace would mean nothing (README)
        assert "-n" not in found


def test_token_flag_replaces_the_kubeconfigs_credentials(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, server.ca_pem, token="expired"))
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--token", "other"])
    assert code == 0, err
    assert {r.user for r in server.requests} == {"other-user"}
    assert "other" not in err


def test_server_flag_replaces_the_clusters_address(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(closed_url(), server.ca_pem))
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "-s", server.url])
    assert code == 0, err
    assert server.requests


def test_server_token_and_ca_flags_need_no_kubeconfig(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text(server.ca_pem)
    code, _, err = arch([*snapshot_args(tmp_path), "--server", server.url, "--token", DEFAULT_TOKEN,
                         "--certificate-authority", str(ca)])
    assert code == 0, err
    assert {r.user for r in server.requests} == {"test-user"}


def test_without_a_trusted_ca_the_server_is_refused(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, None))
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config)])
    assert code == 3 and "not trusted" in err


def test_insecure_flag_reads_an_untrusted_server_with_one_line_of_warning(arch: Arch, server: ApiServer,
                                                                          tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, None))
    code, out, err = arch(["explain", "--kubeconfig", str(config), "--insecure-skip-tls-verify"])
    assert code == 0, err
    assert "Warning" not in err and "urllib3" not in err
    assert err.strip().splitlines() == [f"warning: the certificate of {server.url} is not checked "
                                        "(insecure-skip-tls-verify)"]
    assert "kube-apiserver" in out


def test_insecure_in_the_kubeconfig_is_as_quiet(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    document = kubeconfig_dict(server.url, None)
    document["clusters"][0]["cluster"]["insecure-skip-tls-verify"] = True
    config = write(tmp_path, "config", document)
    code, _, err = arch(["audit", "--kubeconfig", str(config)])
    assert code in (0, 1), err
    assert len(err.strip().splitlines()) == 1 and "InsecureRequestWarning" not in err


def test_ca_and_insecure_together_are_refused_as_kubectl_refuses_them(arch: Arch, tmp_path: Path) -> None:
    code, _, err = arch(["explain", "-s", closed_url(), "--certificate-authority", "ca.crt",
                         "--insecure-skip-tls-verify"])
    assert code == 2 and "insecure flag is not allowed" in err


@pytest.mark.parametrize("flag", ["--certificate-authority", "--client-certificate", "--client-key"])
def test_a_missing_file_given_by_a_flag_is_a_usage_error_naming_the_flag(arch: Arch, tmp_path: Path,
                                                                         flag: str) -> None:
    """It was exit 3 with "kubeconfig context 'test' could not be loaded ... check it with `kubectl config view`":
    the file came from the command line, not the kubeconfig."""
    code, _, err = arch(["explain", "-s", closed_url(), "--token", "t", flag, str(tmp_path / "gone.pem")])
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"{flag} {tmp_path / 'gone.pem'}" in err and "does not exist" in err and "kubeconfig" not in err, err


def test_tls_server_name_is_the_name_checked(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, server.ca_pem))
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--tls-server-name", "kubernetes"])
    assert code == 0, err
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--tls-server-name", "elsewhere"])
    assert code == 3 and "does not name the server" in err


def test_cluster_and_user_flags_pick_other_kubeconfig_entries(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    document = kubeconfig_dict(closed_url(), server.ca_pem, token="expired")
    document["clusters"].append({"name": "real", "cluster": {"server": server.url,
                                                             "certificate-authority-data":
                                                             document["clusters"][0]["cluster"][
                                                                 "certificate-authority-data"]}})
    document["users"].append({"name": "other", "user": {"token": "other"}})
    config = write(tmp_path, "config", document)
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--cluster", "real", "--user",
                         "other"])
    assert code == 0, err
    assert {r.user for r in server.requests} == {"other-user"}
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--cluster", "nope"])
    assert code == 3 and "cluster 'nope' is not in" in err and "real" in err


def test_client_certificate_flags(arch: Arch, api_server: Callable[..., ApiServer], tmp_path: Path) -> None:
    client_ca = make_ca("client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    cert, key = make_leaf(client_ca, "jane", server=False, client=True).write(tmp_path, "jane")
    config = write(tmp_path, "config", kubeconfig_dict(server.url, server.ca_pem, token=None))
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), "--client-certificate", str(cert),
                         "--client-key", str(key)])
    assert code == 0, err
    assert {r.user for r in server.requests} == {"jane"}


def impersonation(server: ApiServer) -> list[tuple[str, str]]:
    lines = server.requests[-1].header_lines
    return [(k, v) for k, v in lines if k.startswith("impersonate-")]


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_impersonation_headers_are_the_ones_kubectl_sends(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, server.ca_pem))
    flags = ["--as", "jane", "--as-group", "devs", "--as-group", "ops", "--as-uid", "42"]
    assert KUBECTL
    subprocess.run([KUBECTL, "--kubeconfig", str(config), *flags, "get", "--raw", "/version"], check=True,
                   capture_output=True, timeout=60)
    kubectl_sent = impersonation(server)
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(config), *flags])
    assert code == 0, err
    expected = [("impersonate-group", "devs"), ("impersonate-group", "ops"), ("impersonate-uid", "42"),
                ("impersonate-user", "jane")]
    assert sorted(impersonation(server)) == sorted(kubectl_sent) == expected  # header order carries no meaning


def test_impersonation_from_the_kubeconfig_user(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    document = kubeconfig_dict(server.url, server.ca_pem)
    document["users"][0]["user"].update({"as": "robot", "as-groups": ["bots"]})
    code, _, err = arch([*snapshot_args(tmp_path), "--kubeconfig", str(write(tmp_path, "c", document))])
    assert code == 0, err
    assert impersonation(server) == [("impersonate-user", "robot"), ("impersonate-group", "bots")]


def test_groups_without_a_user_are_refused_as_kubectl_refuses_them(arch: Arch) -> None:
    code, _, err = arch(["audit", "-s", closed_url(), "--as-group", "devs"])
    assert code == 2 and "without impersonating a user" in err


@pytest.mark.parametrize("flags", [["-n", "shop"], ["-n=shop"], ["-nshop"], ["--namespace=shop"],
                                   ["--namespace", "shop"]], ids=lambda f: " ".join(f))
def test_pflag_forms_of_the_namespace(arch: Arch, flags: list[str]) -> None:
    code, out, err = arch(["trace", "deployment/api", *flags, "--sample", "kind-ha", "-o=json"])
    assert code == 0, err
    assert json.loads(out)["pod"]["namespace"] == "shop"


@pytest.mark.parametrize("flags", [["-o=yaml"], ["-oyaml"], ["--output=yaml"]])
def test_pflag_forms_of_the_output(arch: Arch, flags: list[str]) -> None:
    code, out, err = arch(["explain", "--sample", "kind-ha", *flags])
    assert code == 0, err
    assert "cluster" in yaml.safe_load(out)


@pytest.mark.parametrize("value, insecure", [("true", True), ("false", False)])
def test_boolean_flags_take_pflags_explicit_value(arch: Arch, server: ApiServer, tmp_path: Path, value: str,
                                                   insecure: bool) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, None))
    code, _, err = arch(["explain", "--kubeconfig", str(config), f"--insecure-skip-tls-verify={value}"])
    assert (code == 0) is insecure, err


def test_namespace_defaults_to_the_contexts_and_n_overrides_it(arch: Arch, server: ApiServer, tmp_path: Path) -> None:
    config = write(tmp_path, "config", kubeconfig_dict(server.url, server.ca_pem, namespace="prod"))
    arch(["trace", "pod", "web-0", "--kubeconfig", str(config)])
    assert any(r.path == "/api/v1/namespaces/prod/pods/web-0" for r in server.requests)
    code, _, err = arch(["trace", "pod", "web-0", "--kubeconfig", str(config), "-n", "default"])
    assert code == 0, err
    assert any(r.path == "/api/v1/namespaces/default/pods/web-0" for r in server.requests)


def test_a_repeated_context_is_a_usage_error_except_for_audit(arch: Arch, tmp_path: Path) -> None:
    for command in (["explain"], ["trace", "pod", "x"], snapshot_args(tmp_path)):
        code, _, err = arch([*command, "--context", "a", "--context", "b"])
        assert code == 2 and "--context is given 2 times" in err, (command, err)
    code, _, err = arch(["audit", "--context", "a", "--context", "b"])  # audit reads each cluster
    assert code == 3 and "given 2 times" not in err


def test_trace_without_a_name_is_a_usage_error(arch: Arch) -> None:
    for words in (["pod"], ["deployment"], ["cj"]):
        code, _, err = arch(["trace", *words, "--sample", "kind-ha"])
        assert code == 2 and "needs the name" in err


@pytest.mark.parametrize("value, seconds", [("10", 10), ("5s", 5), ("1m30s", 90), ("500ms", 0.5)])
def test_request_timeout_takes_kubectls_durations(value: str, seconds: float) -> None:
    from kubectl_arch.cli.options import parse_timeout

    assert parse_timeout(value) == seconds


def test_every_command_in_the_table_of_commands_parses_pflag_forms() -> None:
    """The -X=value rewrite knows every short option that takes a value, in every command."""
    import click

    from kubectl_arch.cli.main import _all_params
    from kubectl_arch.cli.options import pflag_forms

    ctx = click.Context(cli)
    for name in COMMANDS:
        params = _all_params(ctx, cli.get_command(ctx, name))  # type: ignore[arg-type]
        for param in params:
            if isinstance(param, click.Option) and not param.is_flag:
                for opt in (o for o in param.opts if len(o) == 2):
                    assert pflag_forms([f"{opt}=v"], params) == [opt, "v"]
    assert pflag_forms(["--", "-n=x"], []) == ["--", "-n=x"]


@pytest.mark.parametrize("value", ["0", "0s", "0m"])
def test_a_zero_timeout_means_no_limit_as_in_kubectl(value: str) -> None:
    """kubectl: "A value of zero means don't timeout requests"; --request-timeout 0 was refused."""
    from kubectl_arch.cli.options import parse_timeout

    assert parse_timeout(value) is None


def test_request_timeout_zero_is_accepted_and_said_in_help(arch: Arch) -> None:
    code, _, err = arch(["explain", "--sample", "kind-ha", "--request-timeout", "0", "--timeout", "0"])
    assert code == 0, err
    _, out, _ = arch(["explain", "--help"])
    assert "zero" in " ".join(out.split()).lower()
