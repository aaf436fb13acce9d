"""Record what every command prints on every sample in every -o format, to diff a refactor byte for byte.

    python tools/record_outputs.py /tmp/before      # on the commit before the change
    python tools/record_outputs.py /tmp/after       # after it
    diff -r /tmp/before /tmp/after                  # a pure refactor shows nothing

Runs in process (click's CliRunner) from a checkout root, with plain output at 100 columns.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

COMPONENTS = ("apiserver", "etcd", "scheduler", "controller-manager", "cloud-controller-manager", "kubelet",
              "kube-proxy", "runtime", "cni", "dns")
TRACED_NAMESPACES = ("shop", "kube-system", "payments", "batch", "default")
OWNER_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet")


def command_lines() -> Iterator[list[str]]:
    """Every command line worth recording: each command, view and -o format on each bundled sample."""
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.collect.sample_source import load_sample, sample_names

    for name in sample_names():
        sample = ["--sample", name]
        for output in ([], ["-o", "wide"], ["-o", "json"], ["-o", "yaml"], ["-o", "mermaid"]):
            yield ["explain", *output, *sample]
        for component in COMPONENTS:
            yield ["explain", component, *sample]
            yield ["explain", component, "-o", "json", *sample]
        for view in ("--walkthrough", "--what-if"):
            for output in ([], ["-o", "json"], ["-o", "yaml"]):
                yield ["explain", view, *output, *sample]
        for output in ("text", "wide", "json", "yaml", "junit", "markdown"):
            yield ["audit", "-o", output, *sample]
            yield ["audit", "-o", output, "--include-workloads", *sample]
        store = load_sample(name).store
        for pod in store.objects("Pod"):
            namespace = pod["metadata"].get("namespace")
            if namespace in TRACED_NAMESPACES:
                for output in ("text", "wide", "json"):
                    yield ["trace", "pod", pod["metadata"]["name"], "-n", namespace, "-o", output, *sample]
        for kind in OWNER_KINDS:
            for owner in store.objects(kind):
                for output in ("text", "json"):
                    yield ["trace", f"{kind.lower()}/{owner['metadata']['name']}", "-n",
                           owner["metadata"].get("namespace"), "-o", output, *sample]
    for output in ("text", "json", "yaml"):
        yield ["audit", "--list", "-o", output]
    for check_id in catalogue():
        yield ["audit", "explain", check_id]
    yield from (["rbac"], ["rbac", "--include-workloads"], ["samples"])
    yield from (["explain", "--sample", "nope"], ["trace", "pod", "nope", "--sample", "kind-ha"])


def main(folder: Path) -> int:
    from click.testing import CliRunner

    from kubectl_arch.cli.main import cli

    folder.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    count = 0
    for args in command_lines():
        result = runner.invoke(cli, args, catch_exceptions=True)
        text = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            text += f"\n[{type(result.exception).__name__}: {result.exception}]"
        name = "_".join(arg.replace("/", "~") for arg in args)[:200]
        (folder / f"{name}.txt").write_text(f"exit={result.exit_code}\n{text}")
        count += 1
    print(f"{count} outputs in {folder}")
    return 0


if __name__ == "__main__":
    os.environ.update({"NO_COLOR": "1", "COLUMNS": "100"})
    sys.path.insert(0, os.getcwd())
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
