"""The read-only proof: every command and subcommand, on every bundled sample, through the real client over
HTTPS to the test API server, sends nothing but GET. (A variant that only changes how the same reads are shown,
SAME_READS, runs on one sample and must send exactly its plain invocation's requests there.)

The invocations are discovered from the CLI itself (the COMMANDS table and each click command's options,
choices and completions), so a command or option added later is covered without editing this file. A
command that exists but fails unexpectedly (exit 70, a traceback) fails the test: a crash hides requests.

``lab`` is left out: it drives Docker and kind on this machine and reads no API server.
Runs are in-process through ``main()`` (the console script's own function) because a subprocess per
invocation would take minutes; test_cli_* run the real console script.
"""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import click
import pytest
import yaml

from kubectl_arch.audit.registry import catalogue, options_of
from kubectl_arch.cli.main import COMMANDS, main
from kubectl_arch.collect.sample_source import load_sample, sample_names
from kubectl_arch.errors import ExitCode
from tests.harness.apiserver import ApiServer
from tests.harness.kubeconfig import kubeconfig_dict, kubeconfig_for_server

NOT_RUN = {"lab": "drives Docker and kind locally; it reads no API server"}
DOCUMENTED_EXIT_CODES = {int(code) for code in ExitCode} - {int(ExitCode.CLUSTER_UNREADABLE)}
TRACE_NAMESPACE = "shop"
# Options whose values point at local files or etcd, not at the API server: not what this test proves.
# So are the checks' own inputs (--pki-dir, --etcd-endpoints...): by definition they reach beyond the cluster.
LOCAL_OPTIONS = {"--config", "--snapshot", "--sample", "--kubeconfig", "--context", "--request-timeout", "--namespace",
                 "--help"} | {f"--{option.name}" for option in options_of(catalogue().values())}
# Parameters that choose how the same reads are shown, judged or connected over, never what is read. A variant
# in one of them runs on one sample (each on the next sample in turn), not on every sample, and there it must
# send exactly the requests of its command's plain invocation: the test checks it, so a parameter that starts
# reading something else fails here and leaves this list (then it runs on every sample again).
SAME_READS = frozenset({"component", "walkthrough", "what_if", "fail_on", "hide_passing", "all_namespaces",
                        "all_contexts", "insecure_skip_tls_verify"})


@dataclass(frozen=True)
class Invocation:
    """One command line to run against a sample; ``reads`` when it takes kubectl's cluster flags."""

    args: tuple[str, ...]
    reads: bool
    base: bool = False  # the command's plain invocation (a variant such as --list may read nothing)
    error: str = ""  # set when the command could not even be loaded
    plain: tuple[str, ...] = ()  # for a SAME_READS variant: the plain invocation whose requests it must send

    def __str__(self) -> str:
        return " ".join(self.args) or "(root)"


def _load(name: str) -> click.Command | str:
    """The click command, or an error text when its module is missing or broken (the test then fails)."""
    module, attribute, _ = COMMANDS[name]
    try:
        command = getattr(importlib.import_module(module), attribute)
    except Exception as exc:  # a broken module must fail the test, not hide the command
        return f"{type(exc).__name__}: {exc}"
    return command if isinstance(command, click.Command) else f"{module}.{attribute} is not a click command"


def _check_ids() -> list[str]:
    return sorted(catalogue())


def _component_pages() -> list[str]:
    from kubectl_arch.explain.pages import PAGES_BY_KEY

    return list(PAGES_BY_KEY)


SHELL_COMPLETES = ("file", "dir")  # completion items that leave the value to the shell (file names)
# Values for parameters that offer neither choices nor completions, by parameter name.
# (``audit --check ID`` takes its values from its completion, and runs on every sample: a check alone reads
# otherwise than the whole audit, e.g. nodes by their metadata and each control-plane node by name.)
KNOWN_VALUES: dict[str, Callable[[], list[str]]] = {"check_id": _check_ids, "component": _component_pages}


def _values(command: click.Command, param: click.Parameter, path: tuple[str, ...]) -> list[str]:
    """The values a parameter offers: its choices, its shell completions (component pages), or KNOWN_VALUES."""
    if isinstance(param.type, click.Choice):
        return [str(c) for c in param.type.choices]
    if param.name in KNOWN_VALUES:
        return KNOWN_VALUES[param.name]()
    context = click.Context(command, info_name=path[-1] if path else "kubectl-arch")
    try:
        items = param.shell_complete(context, "")
    except Exception:  # completion that needs a cluster: no values to enumerate
        return []
    # A file or directory item hands completion to the shell: it is no value ("" ran the plain invocation again).
    return [str(item.value) for item in items if item.type not in SHELL_COMPLETES]


POD_ARGUMENTS = ("what", "name", "pod", "target", "pod_name")
POD_OPTIONS = ("trace_targets",)  # snapshot --trace NS/POD


def _argument_values(command: click.Command, param: click.Argument, path: tuple[str, ...],
                     pods: list[str]) -> list[tuple[str, ...]]:
    """Each value an argument can take, as the words it is typed as (``trace pod NAME`` takes two)."""
    if param.name in POD_ARGUMENTS:
        return [("pod", pod) if param.nargs == -1 else (pod,) for pod in pods]
    return [(value,) for value in _values(command, param, path)]


def _variants(command: click.Command, path: tuple[str, ...],
              pods: list[str]) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """The base invocation, then one per option value, flag and argument value: each deviates once. Each comes
    with the name of the parameter it deviates in (None for the base)."""
    base: list[tuple[str, ...]] = []  # the words of the plain invocation, one group per parameter
    swaps: list[tuple[int, tuple[str, ...], str | None]] = []  # another value for the required argument at base[i]
    extra: list[tuple[tuple[str, ...], str | None]] = []  # words added to the plain invocation
    for param in command.params:
        if isinstance(param, click.Argument):
            values = _argument_values(command, param, path, pods)
            if param.required:
                if not values:
                    return  # an argument this test cannot fill: the command is covered by its parent's runs
                base.append(values[0])
                swaps += [(len(base) - 1, value, param.name) for value in values[1:]]
            else:
                extra += [(value, param.name) for value in values]
        elif isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            if flag in LOCAL_OPTIONS:
                continue
            if param.required:
                base.append((flag, "FILE"))
            elif param.is_flag and not param.count:
                extra.append(((flag,), param.name))
            elif param.name in POD_OPTIONS:
                extra += [((flag, f"{TRACE_NAMESPACE}/{pod}"), param.name) for pod in pods[:1]]
            else:
                extra += [((flag, value), param.name) for value in _values(command, param, path)]

    def words(groups: list[tuple[str, ...]]) -> tuple[str, ...]:
        return (*path, *(word for group in groups for word in group))

    yield words(base), None
    for index, value, name in swaps:
        yield words([value if i == index else group for i, group in enumerate(base)]), name
    for deviation, name in extra:
        yield words([*base, deviation]), name


def invocations(pods: list[str]) -> list[Invocation]:
    found: list[Invocation] = []
    for name in COMMANDS:
        if name in NOT_RUN:
            continue
        command = _load(name)
        if isinstance(command, str):
            found.append(Invocation((name,), reads=False, error=command))
            continue
        found += _walk(command, (name,), pods)
    return found


def _walk(command: click.Command, path: tuple[str, ...], pods: list[str]) -> list[Invocation]:
    reads = any("--kubeconfig" in getattr(p, "opts", ()) for p in command.params)
    variants: dict[tuple[str, ...], str | None] = {}
    for args, parameter in _variants(command, path, pods):
        variants.setdefault(args, parameter)
    plain = next(iter(variants), ())
    found = [Invocation(args, reads, base=i == 0, plain=plain if reads and parameter in SAME_READS else ())
             for i, (args, parameter) in enumerate(variants.items())]
    if isinstance(command, click.Group):
        for sub_name, sub in sorted(command.commands.items()):
            found += _walk(sub, (*path, sub_name), pods)
    return found


def _shop_pods(sample: str) -> list[str]:
    pods = load_sample(sample).store.objects("Pod")
    return [p["metadata"]["name"] for p in pods if p["metadata"].get("namespace") == TRACE_NAMESPACE]


# Discovery runs the options' shell completions, and --cluster, --user (and trace's namespaces, read from the
# cluster) complete from the kubeconfig: discovery reads an empty one, so the case list is the same on every
# machine and never reaches a developer's cluster.
HERMETIC_DISCOVERY = {"KUBECONFIG": os.devnull}


def _cases() -> list[tuple[str, Invocation]]:
    with mock.patch.dict(os.environ, HERMETIC_DISCOVERY):
        return _discovered_cases()


def _discovered_cases() -> list[tuple[str, Invocation]]:
    cases = []
    for sample in sample_names():
        try:
            pods = _shop_pods(sample)
        except Exception as exc:  # a sample that does not load fails one case, visibly
            cases.append((sample, Invocation(("samples",), reads=False, error=f"sample does not load: {exc}")))
            continue
        for invocation in invocations(pods):
            if invocation.args[:1] == ("trace",) and not pods:
                continue
            if not invocation.reads and sample != sample_names()[0]:
                continue  # what reads no cluster runs once, not once per sample
            cases.append((sample, invocation))
    return _same_reads_once(cases)


def _same_reads_once(cases: list[tuple[str, Invocation]]) -> list[tuple[str, Invocation]]:
    """Each SAME_READS variant on one of the samples it was listed for: the first on the first, the next on
    the next... so the views still meet every sample's data while each runs once."""
    samples: dict[tuple[str, ...], list[str]] = {}
    for sample, invocation in cases:
        if invocation.plain:
            samples.setdefault(invocation.args, []).append(sample)
    chosen = {args: listed[turn % len(listed)] for turn, (args, listed) in enumerate(samples.items())}
    return [(sample, invocation) for sample, invocation in cases
            if not invocation.plain or chosen[invocation.args] == sample]


CASES = _cases()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], tuple[ApiServer, Path]]]:
    """One test API server per sample for the whole module (servers are cheap to keep, slow to restart)."""
    started: dict[str, tuple[ApiServer, Path]] = {}

    def for_sample(name: str) -> tuple[ApiServer, Path]:
        if name not in started:
            sample = load_sample(name)
            server = ApiServer(sample.store, now=sample.captured_at).start()
            started[name] = (server, kubeconfig_for_server(server, tmp_path_factory.mktemp(name) / "config"))
        return started[name]

    yield for_sample
    for server, _ in started.values():
        server.stop()


def test_the_case_list_does_not_depend_on_the_developers_kubeconfig(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    kubeconfig = kubeconfig_dict("https://127.0.0.1:1", None, context="mine", cluster="my-cluster", user="me")
    path = tmp_path / ".kube" / "config"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(kubeconfig))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KUBECONFIG", str(path))

    assert [(sample, str(invocation)) for sample, invocation in _cases()] == [
        (sample, str(invocation)) for sample, invocation in CASES]


def test_no_case_gives_an_option_an_empty_value() -> None:
    empty = [f"{sample}:{invocation}" for sample, invocation in CASES if "" in invocation.args]
    assert empty == [], "a file option given '' is the plain invocation again: it proves nothing new"


@pytest.mark.parametrize("sample, invocation", CASES, ids=[f"{s}:{i}" for s, i in CASES])
def test_every_request_is_a_get(sample: str, invocation: Invocation, servers: Callable[[str], tuple[ApiServer, Path]],
                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert not invocation.error, f"`{invocation}` could not be loaded: {invocation.error}"
    server, kubeconfig = servers(sample)

    def command_line(words: tuple[str, ...]) -> list[str]:
        line = [str(tmp_path / "out") if word == "FILE" else word for word in words]
        if words[0] == "trace":
            line += ["-n", TRACE_NAMESPACE]
        return line + (["--kubeconfig", str(kubeconfig)] if invocation.reads else [])

    args = command_line(invocation.args)
    for variable in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBECTL_ARCH_DEBUG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr("sys.stdin", io.StringIO("\n" * 100))  # walkthroughs: a user pressing Enter
    server.clear_requests()
    server.errors.clear()

    with pytest.raises(SystemExit) as exited:
        main(args)
    _out, err = capsys.readouterr()
    code = exited.value.code

    assert code in DOCUMENTED_EXIT_CODES, f"`{' '.join(args)}` exited {code}:\n{err}"
    assert "Traceback" not in err, err
    assert server.errors == [], "the test API server failed while serving"
    methods = [(r.method, r.path) for r in server.requests if r.method != "GET"]
    assert methods == [], f"`{invocation}` sent {methods}"
    if invocation.reads and invocation.base and code in (ExitCode.OK, ExitCode.FINDINGS):
        assert server.requests, f"`{invocation}` succeeded without reading the test API server"
    if invocation.plain:
        sent = _request_set(server)
        assert sent == _plain_requests(sample, invocation.plain, command_line, server), (
            f"`{invocation}` reads what `{' '.join(invocation.plain)}` does not (or less): its parameter is not "
            "SAME_READS, so take it out of that list and it runs on every sample again")


Requests = frozenset[tuple[str, str, tuple[tuple[str, str], ...]]]
_PLAIN_REQUESTS: dict[tuple[str, tuple[str, ...]], Requests] = {}  # per worker: each plain invocation runs once


def _request_set(server: ApiServer) -> Requests:
    return frozenset((r.method, r.path, tuple(sorted(r.query.items()))) for r in server.requests)


def _plain_requests(sample: str, plain: tuple[str, ...], command_line: Callable[[tuple[str, ...]], list[str]],
                    server: ApiServer) -> Requests:
    """The requests the plain invocation sends on ``sample`` (run here, in the caller's environment)."""
    key = (sample, plain)
    if key not in _PLAIN_REQUESTS:
        server.clear_requests()
        with pytest.raises(SystemExit):
            main(command_line(plain))
        _PLAIN_REQUESTS[key] = _request_set(server)
    return _PLAIN_REQUESTS[key]
