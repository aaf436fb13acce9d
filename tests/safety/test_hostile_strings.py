"""Hostile strings planted in every printed field reach no output format raw.

Each command and output format runs in-process over every sample with hostile text appended to every
free-text field (see hostile.py): no output may carry a raw ESC, BEL, 8-bit CSI or other control
character, JUnit must parse as XML, Markdown must carry no live HTML or links, and nothing may crash.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import Sample, SampleSource, load_sample, sample_names
from tests.safety.hostile import HostileSource

# Any C0 control but newline, DEL, C1, bidi overrides and lone surrogates: none may reach a terminal or a file.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

EVERY_SAMPLE = [["explain"], ["explain", "-o", "wide"], ["audit"], ["audit", "-o", "markdown"],
                ["audit", "-o", "junit"], ["audit", "-o", "json"]]
ONE_SAMPLE = [["explain", "-o", "json"], ["explain", "-o", "yaml"], ["explain", "-o", "mermaid"],
              ["explain", "--walkthrough"], ["explain", "--what-if"], ["explain", "etcd"], ["explain", "kubelet"],
              ["explain", "apiserver"], ["explain", "kube-proxy"], ["explain", "scheduler"],
              ["audit", "-o", "wide"], ["audit", "-o", "yaml"],
              ["trace", "deployment/api", "-n", "shop"], ["trace", "deploy/cart", "-n", "shop", "-o", "wide"],
              ["trace", "deployment/api", "-n", "shop", "-o", "json"],
              ["explain", "-o", "svg"], ["explain", "-o", "html"], ["audit", "-o", "html"],
              ["trace", "deployment/api", "-n", "shop", "-o", "svg"],
              ["trace", "deploy/cart", "-n", "shop", "-o", "html"],
              ["trace", "deploy/cart", "-n", "shop", "--follow", "--timeout", "1"],
              ["trace", "deploy/cart", "-n", "shop", "--follow", "--timeout", "1", "-o", "json"]]
CASES = [(name, args) for name in sample_names() for args in EVERY_SAMPLE] + [("kind-ha", a) for a in ONE_SAMPLE]
# Where no layout fits, cells are wrapped here rather than by rich (output/tables.fold_to_fit): hostile text must
# survive being cut into lines too.
NARROW = [(name, args, columns) for name in sample_names() for args in (["explain"], ["explain", "-o", "wide"])
          for columns in (40, 60, 80)] + [(name, ["audit"], columns) for name in sample_names() for columns in (40, 60)]


@functools.cache
def _sample(name: str) -> Sample:
    return load_sample(name)


@pytest.fixture
def hostile_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    monkeypatch.setattr(SampleSource, "named", classmethod(lambda _cls, name: HostileSource(SampleSource(
        _sample(name)))))

    def run(sample: str, args: list[str], columns: int = 120) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [*args, "--sample", sample], env={"NO_COLOR": "1", "COLUMNS": str(columns)})
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout + result.stderr

    return run


@pytest.mark.parametrize(("sample", "args"), CASES, ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_no_output_carries_hostile_text_raw(hostile_cli: Callable[..., tuple[int, str]],
                                            sample: str, args: list[str]) -> None:
    code, output = hostile_cli(sample, args)
    assert code in (0, 1), f"exit {code}: {output[-2000:]}"
    raw = RAW_CONTROL.search(output)
    assert raw is None, f"raw {raw.group()!r} in: {output[max(0, raw.start() - 200):raw.start() + 100]!r}"
    _text_as_written(args, output)
    if "svg" in args or "html" in args:
        assert "<img" not in output and "<script>z" not in output, "cluster text became live HTML"
    if "svg" in args:
        ET.fromstring(output.encode("utf-8"))
    if "junit" in args:
        ET.fromstring(output.encode("utf-8"))  # parses: no character XML forbids, nothing unescaped
    if "markdown" in args:
        output = re.sub(r"`[^`\n]*`", "`code`", output)  # inside a code span nothing is interpreted
        for live in ("<img", "<script", "</details><script", "](https://evil", "[l](", "\n**b**"):
            assert live not in output, f"live Markdown/HTML {live!r} in the markdown output"
    if "mermaid" in args:
        assert '"' not in "".join(line.split('["', 1)[-1].rsplit('"]', 1)[0] for line in output.splitlines()
                                  if '["' in line), "a label's quotes were not escaped"


@pytest.fixture(scope="module")
def hostile_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kind-ha's answers with hostile text planted, recorded as a snapshot file, for the CLI in a subprocess."""
    path = tmp_path_factory.mktemp("hostile") / "kind-ha.json.gz"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SampleSource, "named", classmethod(lambda _cls, name: HostileSource(SampleSource(
            _sample(name)))))
        result = CliRunner().invoke(cli, ["snapshot", "--sample", "kind-ha", "--trace", "shop/deploy/cart",
                                          "-o", str(path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert RAW_CONTROL.search(result.stderr) is None, "the snapshot command printed cluster text raw"
    return path


# What rich writes to a terminal on purpose: colours, the spinner's hide/show cursor and line clears.
TERMINAL_OWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\r?\x1b\[2K|\x1b\[1A")
ON_A_TERMINAL = [["explain"], ["explain", "-o", "wide"], ["audit"], ["trace", "deploy/cart", "-n", "shop"],
                 ["explain", "-o", "jsonpath={.nodes[*].name}"], ["explain", "-o", "jsonpath-as-json={.nodes}"],
                 ["trace", "deploy/cart", "-n", "shop", "-o", "jsonpath={.pod.name}"]]


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux script for a terminal")
@pytest.mark.parametrize("args", ON_A_TERMINAL, ids=" ".join)
def test_a_terminal_gets_no_hostile_text_raw(hostile_snapshot: Path, args: list[str]) -> None:
    """The real CLI on a terminal (``script`` gives it one), in colour, over a hostile snapshot: nothing but rich's
    own colours and cursor moves. -o jsonpath prints raw when piped, as kubectl does; on a terminal, shown."""
    command = shlex.join([sys.executable, "-m", "kubectl_arch", *args, "--snapshot", str(hostile_snapshot)])
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    result = subprocess.run(["script", "-qec", f"stty cols 80; {command}", "/dev/null"], capture_output=True,
                            env={**environment, "TERM": "xterm-256color", "COLUMNS": "80"}, check=False)
    output = result.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    assert "Traceback" not in output and result.returncode in (0, 1), output[-2000:]
    assert "jsonpath" in args[-1] or "\x1b[" in output, "not a terminal: no colour"
    shown = TERMINAL_OWN.sub("", output).replace("\n\r", "\n")  # the spinner's last line ends so
    raw = RAW_CONTROL.search(shown)
    assert raw is None, f"raw {raw.group()!r} in: {shown[max(0, raw.start() - 200):raw.start() + 100]!r}"


@pytest.mark.parametrize(("sample", "args", "columns"), NARROW,
                         ids=lambda v: v if isinstance(v, (str, int)) else " ".join(v))
def test_narrow_terminals_carry_no_hostile_text_raw(hostile_cli: Callable[..., tuple[int, str]], sample: str,
                                                    args: list[str], columns: int) -> None:
    code, output = hostile_cli(sample, args, columns)
    assert code in (0, 1), f"exit {code}: {output[-2000:]}"
    raw = RAW_CONTROL.search(output)
    assert raw is None, f"raw {raw.group()!r} in: {output[max(0, raw.start() - 200):raw.start() + 100]!r}"
    _text_as_written(args, output)


def _text_as_written(args: list[str], output: str) -> None:
    """Terminal text shows cluster text as written: no emoji for ":smile:", no backslash doubled or dropped."""
    if "-o" in args and args[args.index("-o") + 1] not in ("wide", "text"):
        return  # JSON, YAML, Markdown and the rest escape backslashes their own way
    assert "\U0001f604" not in output, "an emoji code became an emoji"
    doubled = output.find("\\\\")
    assert doubled < 0, f"a backslash shown twice: {output[max(0, doubled - 100):doubled + 50]!r}"
    assert output.count("[x") == output.count("\\[x"), "a backslash before a '[' was dropped"
