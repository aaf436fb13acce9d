"""Check-owned flags: a check declares its input once in META.options and the audit command grows the flag."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from kubectl_arch.audit import inputs
from kubectl_arch.audit.check import CheckMeta, CheckOption, OptionKind
from kubectl_arch.audit.command import audit
from kubectl_arch.audit.inputs import check_flags, check_options
from kubectl_arch.audit.registry import Check, catalogue, options_of
from kubectl_arch.errors import UsageError


def _options(command: click.Command) -> dict[str, click.Option]:
    return {opt: param for param in command.params if isinstance(param, click.Option) for opt in param.opts}


def test_every_declared_input_is_an_audit_flag_with_its_help() -> None:
    flags = _options(audit)
    declared = options_of(catalogue().values())
    assert {o.name for o in declared} >= {"pki-dir", "etcd-endpoints", "etcd-cacert", "etcd-cert", "etcd-key"}
    for option in declared:
        flag = flags[f"--{option.name}"]
        assert flag.help == option.help and flag.metavar == option.metavar
        assert isinstance(flag.type, click.Path) == (option.kind in (OptionKind.FILE, OptionKind.DIR))


def test_no_two_audit_flags_share_a_name() -> None:
    names = [opt for param in audit.params for opt in param.opts]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_a_new_check_input_needs_no_cli_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flag comes from the declaration alone: a made-up check's input reaches the command, parsed."""
    window = CheckOption("lab-urls", "Where the lab listens.", OptionKind.URLS, "URLS", example="http://127.0.0.1:1")
    meta = CheckMeta(id="lab-window", title="t", component="etcd", why="w", fix="f", references=("https://x/",),
                     needs=(), options=(window,))
    fake = {meta.id: Check(meta=meta, evaluate=lambda data, thresholds: [], folder=Path("."))}
    monkeypatch.setattr(inputs, "OPTIONS", tuple(options_of(fake.values())))  # as render_check_options writes
    seen: list[Mapping[str, Any]] = []

    @click.command()
    @check_flags
    def command(check_inputs: Mapping[str, str]) -> None:
        seen.append(check_options(check_inputs))

    assert "--lab-urls URLS" in CliRunner().invoke(command, ["--help"]).output
    result = CliRunner().invoke(command, ["--lab-urls", "http://a:1, https://b:2,"])
    assert result.exit_code == 0, result.output
    assert seen == [{"lab-urls": ["http://a:1", "https://b:2"]}]
    CliRunner().invoke(command, [])
    assert seen[-1] == {}  # an input not given is absent, never None or ""


def test_a_malformed_url_is_the_users_mistake() -> None:
    with pytest.raises(UsageError) as caught:
        check_options({"etcd-endpoints": "https://10.0.0.1:2379,10.0.0.2:2379"})
    assert caught.value.one_line() == "--etcd-endpoints: '10.0.0.2:2379' is not a URL; e.g. https://10.0.0.10:2379"


def test_a_given_pki_dir_reaches_the_check(tmp_path: Path) -> None:
    """In-process run: the flag's value is what the pki-expiry check reads as data.options."""
    from kubectl_arch.cli.main import cli

    result = CliRunner().invoke(cli, ["audit", "--sample", "kind-ha", "--check", "pki-expiry", "--pki-dir",
                                      str(tmp_path / "absent"), "-o", "json"])
    [finding] = json.loads(result.output)["findings"]
    assert f"--pki-dir {tmp_path / 'absent'} is not a readable directory" in finding["message"]
