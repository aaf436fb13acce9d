"""`kubectl arch samples` lists the samples, and tools/make_sample_certs.py issues what the samples promise."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from cryptography import x509

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import SAMPLES_DIR, sample_names
from tests.samples.conftest import REQUIRED_SAMPLES

TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_sample_certs.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_certs", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample_certs"] = module
    spec.loader.exec_module(module)
    return module


def test_samples_command_lists_every_sample_with_its_one_liner() -> None:
    result = CliRunner().invoke(cli, ["samples"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == sample_names()
    assert all("Sample:" in line for line in lines)


def test_the_required_samples_are_bundled() -> None:
    assert set(REQUIRED_SAMPLES) <= set(sample_names())


def test_every_sample_with_certificates_is_known_to_the_tool(tool: ModuleType) -> None:
    for name in sample_names():
        if (SAMPLES_DIR / name / "tls").is_dir():
            assert name in tool.CERTS, f"{name} has tls/ files that tools/make_sample_certs.py cannot regenerate"
            files = {cert.file for cert in tool.CERTS[name]}
            on_disk = {p.name for p in (SAMPLES_DIR / name / "tls").glob("*.pem")}
            assert on_disk == files, name


def test_committed_certificates_have_the_dates_the_tool_gives_them(tool: ModuleType) -> None:
    for name, specs in tool.CERTS.items():
        captured = tool.captured_at(SAMPLES_DIR / name)
        for spec in specs:
            if spec.csr:
                continue
            cert = x509.load_pem_x509_certificate((SAMPLES_DIR / name / "tls" / spec.file).read_bytes())
            expected_start = captured - dt.timedelta(days=spec.issued_days_ago) - tool.KUBEADM_BACKDATE
            assert abs(cert.not_valid_before_utc - expected_start) < dt.timedelta(seconds=1), (name, spec.file)
            lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
            assert abs(lifetime - tool.KUBEADM_BACKDATE - dt.timedelta(days=spec.valid_days)) < dt.timedelta(seconds=1)
            assert cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == spec.common_name


def test_tool_regenerates_certificates_and_embedded_values_in_a_copy(tool: ModuleType, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "kind-ha"
    shutil.copytree(SAMPLES_DIR / "kind-ha", copy, ignore=shutil.ignore_patterns("90-trace-*"))
    before = (copy / "tls" / "ca.pem").read_bytes()
    monkeypatch.setattr(tool, "SAMPLES_DIR", tmp_path)
    assert tool.main(["kind-ha"]) == 0
    after = (copy / "tls" / "ca.pem").read_bytes()
    assert after != before, "new keys give new certificate bytes"
    old = x509.load_pem_x509_certificate(before)
    new = x509.load_pem_x509_certificate(after)
    assert (new.not_valid_before_utc, new.not_valid_after_utc, new.subject) == \
        (old.not_valid_before_utc, old.not_valid_after_utc, old.subject)
    import base64

    webhooks = (copy / "objects" / "70-certs-webhooks.yaml").read_text()
    encoded = base64.b64encode((copy / "tls" / "cert-manager-webhook-ca.pem").read_bytes()).decode()
    assert webhooks.count(encoded) == 2  # the mutating and the validating webhook


def test_tool_refuses_an_unknown_sample(tool: ModuleType) -> None:
    assert tool.main(["no-such-sample"]) == 2


def test_embed_only_keeps_the_certificates_and_fills_emptied_values(tool: ModuleType, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "kubeadm-degraded"
    shutil.copytree(SAMPLES_DIR / "kubeadm-degraded", copy)
    webhooks = copy / "objects" / "70-certs-webhooks.yaml"
    committed = webhooks.read_text()
    emptied = "\n".join(tool.MARKER.sub(r"\g<head>\g<tail>", line) for line in committed.split("\n"))
    assert emptied != committed
    webhooks.write_text(emptied)
    pems = {p.name: p.read_bytes() for p in (copy / "tls").glob("*.pem")}
    monkeypatch.setattr(tool, "SAMPLES_DIR", tmp_path)
    assert tool.main(["--embed-only", "kubeadm-degraded"]) == 0
    assert webhooks.read_text() == committed
    assert {p.name: p.read_bytes() for p in (copy / "tls").glob("*.pem")} == pems
