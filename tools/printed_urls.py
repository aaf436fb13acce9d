"""Every web address kubectl-arch prints: run what prints "where to read more" over every bundled sample,
and every address written in its code.

    python tools/printed_urls.py            # one address a line, sorted: printed over the samples
    python tools/printed_urls.py --where    # with the first command that printed it
    python tools/printed_urls.py --code     # every address in the code's strings (what some cluster may print)

The surfaces: the check catalogue and each check's page (`audit --list`, `audit explain ID`), audit's
findings (every sample, workloads included, JSON so no address is wrapped), explain's pages and what-if,
walkthrough and wide tables, and trace of every pod of every sample. Addresses the cluster itself holds
(API server URLs, webhook endpoints quoted in events) are left out: they are the sample's data, not ours.
tests/output/test_printed_urls.py holds the result to the reviewed list in tests/output/reviewed_urls.py.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

URL = re.compile(r"https?://[^\s\"'`<>()\\\]]+")
COMPONENTS = ("apiserver", "etcd", "scheduler", "controller-manager", "cloud-controller-manager", "kubelet",
              "kube-proxy", "runtime", "cni", "dns")


def run(args: list[str]) -> str:
    """kubectl-arch ARGS in this process (plain, wide enough that no address wraps): what it printed."""
    from kubectl_arch.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    wanted = {"NO_COLOR": "1", "COLUMNS": "400", "KUBECTL_ARCH_WINDOW": "0"}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
            main(args)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return out.getvalue() + err.getvalue()


def sample_addresses(name: str) -> set[str]:
    """Every address the sample's own files hold (server URLs, webhook endpoints, event messages)."""
    root = Path(__file__).resolve().parents[1] / "kubectl_arch" / "samples" / name
    text = "".join(path.read_text(errors="replace") for path in root.rglob("*") if path.is_file())
    return {clean(url) for url in URL.findall(text)}


def clean(url: str) -> str:
    return url.rstrip(".,;:")


ROOT = Path(__file__).resolve().parents[1]
CODE = (ROOT / "kubectl_arch", ROOT / "checks")
NOT_CODE = ("samples", "fixtures", "__pycache__")  # cluster data, not addresses of ours


def code_urls() -> dict[str, str]:
    """Each address in a string of the shipped code (docstrings and comments left out: never printed), with
    the file it is in. An f-string's ``{NAME}`` is the module-level string constant of that name, wherever it
    is defined (``{DOCS}/concepts/...``); a part that is not is kept as ``{}``."""
    files = [path for folder in CODE for path in sorted(folder.rglob("*.py"))
             if not set(path.relative_to(folder).parts) & set(NOT_CODE)]
    trees = {path: ast.parse(path.read_text(), str(path)) for path in files}
    constants = {target.id: node.value.value for tree in trees.values() for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 and isinstance(node.value.value, str) for target in node.targets if isinstance(target, ast.Name)}
    found: dict[str, str] = {}
    for path, tree in trees.items():
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            if isinstance(node, ast.JoinedStr):
                text = "".join(part.value if isinstance(part, ast.Constant) else
                               constants.get(getattr(part.value, "id", ""), "{}") for part in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            for url in URL.findall(text):
                found.setdefault(clean(url), str(path.relative_to(ROOT)))
    return found


def pods(name: str) -> Iterator[tuple[str, str]]:
    """(namespace, pod) of every pod in the sample."""
    from kubectl_arch.collect.sample_source import load_sample

    for pod in load_sample(name).store.objects("Pod"):
        meta = pod.get("metadata", {})
        yield meta.get("namespace", "default"), meta.get("name", "")


def commands(only: str | None = None) -> Iterator[tuple[str | None, list[str]]]:
    """(sample whose data to discount, arguments) for every surface that prints addresses; ``only``: the
    catalogue's ("catalogue") or one sample's."""
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.collect.sample_source import sample_names

    if only in (None, "catalogue"):
        yield None, ["audit", "--list"]
        yield None, ["audit", "--list", "-o", "json"]
        for check_id in catalogue():
            yield None, ["audit", "explain", check_id]
    for sample in sample_names() if only is None else [only] if only != "catalogue" else []:
        yield sample, ["audit", "--include-workloads", "-o", "json", "--sample", sample]
        yield sample, ["explain", "-o", "wide", "--sample", sample]
        yield sample, ["explain", "-o", "json", "--sample", sample]
        yield sample, ["explain", "--what-if", "--sample", sample]
        yield sample, ["explain", "--walkthrough", "--sample", sample]
        for component in COMPONENTS:
            yield sample, ["explain", component, "--sample", sample]
        for namespace, pod in pods(sample):
            yield sample, ["trace", "pod", pod, "-n", namespace, "-o", "json", "--sample", sample]
            yield sample, ["trace", "pod", pod, "-n", namespace, "--sample", sample]


def printed_urls(only: str | None = None) -> dict[str, str]:
    """Each address printed (by ``commands(only)``), with the first command that printed it."""
    found: dict[str, str] = {}
    theirs: dict[str, set[str]] = {}
    for sample, args in commands(only):
        if sample is not None and sample not in theirs:
            theirs[sample] = sample_addresses(sample)
        for url in map(clean, URL.findall(run(args))):
            if sample is None or url not in theirs[sample]:
                found.setdefault(url, " ".join(args))
    return found


if __name__ == "__main__":
    for url, where in sorted((code_urls() if "--code" in sys.argv else printed_urls()).items()):
        print(f"{url}\t{where}" if "--where" in sys.argv else url)
