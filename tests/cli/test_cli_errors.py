"""Every way a cluster can be unreadable gives one line and exit code 3, through the real console script."""

from __future__ import annotations

import datetime as dt
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from kubectl_arch.cli.main import verbose_first
from kubectl_arch.errors import ExitCode
from tests.cli.cli_helpers import assert_one_line_error, live_args, live_commands
from tests.conftest import CliResult
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import exec_user, kubeconfig_dict, write_kubeconfig
from tests.harness.pki import make_ca, make_leaf
from tests.harness.tiny import tiny_store

RunCli = Callable[..., CliResult]
COMMANDS = live_commands()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=COMMANDS)
def command(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """The arguments of each command that reads a cluster and exists at test time."""
    return live_args(str(request.param), tmp_path)


@pytest.fixture
def snapshot_command(tmp_path: Path) -> list[str]:
    """One command for the cases every command meets in the same shared code (cli/options.open_source)."""
    return live_args("snapshot", tmp_path)


def test_unreachable_server(command: list[str], run_cli: RunCli, tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "config", kubeconfig_dict(f"https://127.0.0.1:{closed_port()}", None))
    result = run_cli([*command, "--kubeconfig", str(config)])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "cannot reach the API server", "Connection refused")


def test_missing_kubeconfig(command: list[str], run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli([*command, "--kubeconfig", str(tmp_path / "nowhere.yaml")])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "no kubeconfig found", "--sample")


def test_no_kubeconfig_at_all_suggests_a_sample(snapshot_command: list[str], run_cli: RunCli) -> None:
    result = run_cli(snapshot_command)  # HOME is empty and KUBECONFIG unset
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "no kubeconfig found", "--sample kind-ha")


def test_invalid_kubeconfig_yaml(command: list[str], run_cli: RunCli, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("apiVersion: v1\nclusters: [\n")
    result = run_cli([*command, "--kubeconfig", str(config)])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, str(config), "is not valid YAML", "line 3")


@pytest.mark.parametrize("content, words", [
    ("just a sentence\n", ("is not a kubeconfig",)),
    ("apiVersion: v1\nkind: Config\n", ("sets no current context", "--context")),
    ("", ("is empty",)),  # it was "no kubeconfig found at FILE", of a file that is there
], ids=["not-a-mapping", "no-contexts", "empty"])
def test_bad_kubeconfig(snapshot_command: list[str], run_cli: RunCli, tmp_path: Path, content: str,
                        words: tuple[str, ...]) -> None:
    config = tmp_path / "config"
    config.write_text(content)
    result = run_cli([*snapshot_command, "--kubeconfig", str(config)])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, str(config), *words)


def test_unknown_context(command: list[str], run_cli: RunCli, tiny_server: ApiServer,
                         kubeconfig_for: Callable[..., Path]) -> None:
    result = run_cli([*command, "--kubeconfig", str(kubeconfig_for(tiny_server)), "--context", "prod"])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "context 'prod' is not in", "known contexts: test")
    assert tiny_server.requests == []


def test_rejected_token_says_credentials(command: list[str], run_cli: RunCli, tiny_server: ApiServer,
                                         kubeconfig_for: Callable[..., Path]) -> None:
    result = run_cli([*command, "--kubeconfig", str(kubeconfig_for(tiny_server, token="expired"))])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "rejected the credentials", "HTTP 401", "expired")
    assert "expired" not in "".join(r.headers.get("authorization", "") for r in tiny_server.requests)


def test_a_rejected_token_flag_is_named_not_the_kubeconfig(snapshot_command: list[str], run_cli: RunCli,
                                                           tiny_server: ApiServer,
                                                           kubeconfig_for: Callable[..., Path]) -> None:
    """The credentials the server refused were the flag's: "refresh the kubeconfig" sent the user elsewhere."""
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(tiny_server)), "--token", "wrong"])
    line = assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "the token given with --token", "HTTP 401")
    assert "kubeconfig" not in line and "wrong" not in line


def test_expired_client_certificate_says_credentials(snapshot_command: list[str], run_cli: RunCli,
                                                     api_server: Callable[..., ApiServer],
                                                     kubeconfig_for: Callable[..., Path]) -> None:
    client_ca = make_ca("kubernetes-client-ca")
    server = api_server(tiny_store(), client_ca=client_ca, tokens={})
    start = dt.datetime(2021, 3, 1, tzinfo=dt.timezone.utc)
    expired = make_leaf(client_ca, "kubernetes-admin", server=False, client=True, not_before=start,
                        not_after=start + dt.timedelta(days=365))
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(server, token=None, client_cert=expired))])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "client certificate credentials", "expired")


def test_untrusted_server_certificate(snapshot_command: list[str], run_cli: RunCli, tiny_server: ApiServer,
                                      tmp_path: Path) -> None:
    config = write_kubeconfig(tmp_path / "config", kubeconfig_dict(tiny_server.url, make_ca("another-ca").cert_pem))
    result = run_cli([*snapshot_command, "--kubeconfig", str(config)])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "is not trusted", "certificate-authority-data")


# An exec credential plugin (aws, gke-gcloud-auth-plugin, kubelogin) that is not installed, that fails, or that
# prints something other than an ExecCredential: each needs its own fix, so each line names it. The plugin's
# stdout is where a token goes: it is never quoted, whatever it holds.
PLUGIN_STDOUT_SECRET = "sekret-from-plugin-stdout"
EXEC_PLUGINS = {
    "not-installed": (None, ("'no-such-credential-plugin' is not installed", "exec.command")),
    "fails": ("import sys\nsys.stderr.write('SSO session expired\\n')\nsys.exit(1)\n",
              ("failed: process returned 1. SSO session expired", "log in again")),
    "prints-garbage": (f"print('<html>{PLUGIN_STDOUT_SECRET}</html>')\n",
                       ("did not print an ExecCredential", "run the command by hand")),
    "prints-the-wrong-json": (f"print('{{\"token\": \"{PLUGIN_STDOUT_SECRET}\"}}')\n",
                              ("did not print an ExecCredential", "missing key")),
}


@pytest.mark.parametrize("case", list(EXEC_PLUGINS))
def test_an_exec_plugin_that_gives_no_credentials_says_which_fix(
        case: str, snapshot_command: list[str], run_cli: RunCli, tiny_server: ApiServer,
        kubeconfig_for: Callable[..., Path], tmp_path: Path) -> None:
    body, words = EXEC_PLUGINS[case]
    if body is None:
        spec = exec_user("no-such-credential-plugin", ["get-token", "--password", PLUGIN_STDOUT_SECRET])
    else:
        (tmp_path / "plugin.py").write_text(body)
        spec = exec_user(sys.executable, [str(tmp_path / "plugin.py")])
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(tiny_server, exec_spec=spec))])
    line = assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "getting credentials for context", *words)
    assert PLUGIN_STDOUT_SECRET not in line
    assert tiny_server.requests == [], "nothing may be read as system:anonymous"


def test_a_missing_exec_plugin_gives_the_kubeconfigs_install_hint(snapshot_command: list[str], run_cli: RunCli,
                                                                  tiny_server: ApiServer,
                                                                  kubeconfig_for: Callable[..., Path]) -> None:
    spec = exec_user("gke-gcloud-auth-plugin-missing")
    spec["exec"]["installHint"] = "Install gke-gcloud-auth-plugin for use with kubectl by following\n  go.dev/x"
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(tiny_server, exec_spec=spec))])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "is not installed",
                          "Install gke-gcloud-auth-plugin for use with kubectl by following go.dev/x")


# What RBAC grants every account (system:public-info-viewer, system:discovery); nothing else is allowed.
PUBLIC_ONLY = ("/version", "/healthz", "/livez", "/readyz", "/api", "/apis")


def test_an_account_forbidden_every_read_is_one_line(command: list[str], run_cli: RunCli, tmp_path: Path,
                                                     api_server: Callable[..., ApiServer],
                                                     kubeconfig_for: Callable[..., Path]) -> None:
    """Credentials that work but may read nothing: every component "unknown (HTTP 403)" and exit 0 (an audit
    with 27 skips passed in CI) became one line, exit 3, and what to grant. No snapshot is written."""
    server = api_server(tiny_store(), authorizer=lambda _user, path, _query: path.rstrip("/") in PUBLIC_ONLY)
    result = run_cli([*command, "--kubeconfig", str(kubeconfig_for(server))])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "HTTP 403", "kubectl arch rbac")
    assert not list(tmp_path.glob("*.json.gz"))


def test_an_account_that_may_read_one_thing_gets_its_report(run_cli: RunCli, api_server: Callable[..., ApiServer],
                                                            kubeconfig_for: Callable[..., Path]) -> None:
    """Only the nodes are readable: the run goes on, the rest unknown with the permission to grant."""
    server = api_server(tiny_store(), authorizer=lambda _user, path, _query: path.rstrip("/") in PUBLIC_ONLY
                        or path == "/api/v1/nodes")
    result = run_cli(["explain", "--kubeconfig", str(kubeconfig_for(server))])
    assert result.code == ExitCode.OK, result.stderr
    assert "HTTP 403" in result.stdout


def test_a_certificate_authority_flag_that_does_not_match_is_named(snapshot_command: list[str], run_cli: RunCli,
                                                                   tiny_server: ApiServer, tmp_path: Path) -> None:
    """The CA given on the command line is what to check, not the kubeconfig's certificate-authority-data."""
    (tmp_path / "other-ca.crt").write_text(make_ca("another-ca").cert_pem)
    result = run_cli([*snapshot_command, "-s", tiny_server.url, "--token", "t",
                      "--certificate-authority", str(tmp_path / "other-ca.crt")])
    line = assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "is not trusted",
                                 f"--certificate-authority {tmp_path / 'other-ca.crt'}")
    assert "kubeconfig" not in line


def test_a_server_name_the_certificate_does_not_hold_is_not_blamed_on_the_ca(
        snapshot_command: list[str], run_cli: RunCli, tiny_server: ApiServer,
        kubeconfig_for: Callable[..., Path]) -> None:
    """The CA is right and the name is wrong (--tls-server-name): "check the CA" sent the user to the wrong file."""
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(tiny_server)),
                      "--tls-server-name", "wrong.example"])
    line = assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "does not name the server", "--tls-server-name")
    assert "certificate-authority" not in line


def test_timeout_on_the_first_request(snapshot_command: list[str], run_cli: RunCli, tiny_server: ApiServer,
                                      kubeconfig_for: Callable[..., Path]) -> None:
    tiny_server.delay("/version", seconds=3)
    result = run_cli([*snapshot_command, "--kubeconfig", str(kubeconfig_for(tiny_server)), "--request-timeout", "1s"])
    assert_one_line_error(result, ExitCode.CLUSTER_UNREADABLE, "timed out after 1s", "--request-timeout")


def test_verbose_shows_the_traceback(run_cli: RunCli, tmp_path: Path) -> None:
    args = ["snapshot", "-o", str(tmp_path / "s.gz"), "--kubeconfig", str(tmp_path / "nowhere")]
    quiet = run_cli(args)
    verbose = run_cli(["-v", *args])
    assert_one_line_error(quiet, ExitCode.CLUSTER_UNREADABLE)
    assert verbose.code == ExitCode.CLUSTER_UNREADABLE
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1] == quiet.stderr.strip()


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_after_the_command_is_taken_as_kubectl_takes_it(run_cli: RunCli, tmp_path: Path, flag: str) -> None:
    """`kubectl get pods -v` works, and every error line says "run with -v": after the command it was a usage error."""
    args = ["snapshot", "-o", str(tmp_path / "s.gz"), "--kubeconfig", str(tmp_path / "nowhere")]
    for verbose in (run_cli([*args, flag]), run_cli([args[0], flag, *args[1:]])):
        assert verbose.code == ExitCode.CLUSTER_UNREADABLE, verbose.stderr
        assert "Traceback (most recent call last)" in verbose.stderr


def test_a_value_spelled_like_the_verbose_flag_stays_a_value() -> None:
    params: list[click.Parameter] = [click.Option(["-n", "--namespace"]), click.Option(["-A"], is_flag=True)]
    assert verbose_first(["trace", "pod", "x", "-n", "-v", "-A", "-v"], params) == \
        ["-v", "trace", "pod", "x", "-n", "-v", "-A"]
    assert verbose_first(["trace", "--", "-v"], params) == ["trace", "--", "-v"]


def test_a_usage_error_listing_choices_is_one_line(run_cli: RunCli) -> None:
    """click writes a missing choice as "Choose from:" and one choice a line: errors are one line."""
    assert_one_line_error(run_cli(["completion"]), ExitCode.USAGE, "Choose from: bash, zsh, fish")


def test_sample_and_snapshot_together_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(["snapshot", "-o", str(tmp_path / "s.gz"), "--sample", "x", "--snapshot", "y"])
    assert_one_line_error(result, ExitCode.USAGE, "cannot be used together")


def test_unknown_sample_is_a_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli(["snapshot", "-o", str(tmp_path / "s.gz"), "--sample", "no-such-sample"])
    assert_one_line_error(result, ExitCode.USAGE, "no sample named 'no-such-sample'")
