"""Generate docs/checks.md from the catalogue: ``python -m kubectl_arch.audit.docs`` (``--check`` verifies).

The page is built from each check's own metadata, so it cannot drift from the code; a test fails when the
committed page differs from what this module generates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "checks.md"

USAGE = """\
# Audit checks

<!-- Generated from the catalogue by `python -m kubectl_arch.audit.docs`; do not edit by hand. -->

`kubectl arch audit` runs these checks and reports each as `pass`, `warn`, `fail` or `skip`. A `skip` says
why: usually the permission that is missing (`kubectl arch rbac` prints a ClusterRole that grants exactly
what the checks read), or data the cluster does not show (a managed control plane). Check ids are stable:
use them with `--check`, in `--config` files and in CI. `kubectl arch audit explain ID` teaches one check.

## Using the audit in CI

- **Exit codes:** 0 when nothing reaches `--fail-on` (default `fail`; `--fail-on warn` is stricter), 1 when
  something does, 2 for bad arguments or a bad config file, 3 when a cluster could not be read.
- **`-o json` / `-o yaml`:** `{"cluster": {...}, "summary": {...}, "checks": [...], "findings": [...]}`.
  `summary` counts checks by their worst finding (plus `suppressed`, the findings a suppression silenced);
  `findings` lists every finding with its check's `title`, `why`, `remediation` and `references`, and
  `suppressed` (reason and expiry) on silenced ones. Several clusters give `{"clusters": [...], "summary",
  "unreadClusters"}`: a cluster that could not be read has its `error` and a `summary` of `null`, not zeros, and
  the total counts the clusters read.
- **`-o junit`:** one `<testsuite>` per cluster and one `<testcase>` per check. A check at or above
  `--fail-on` is a `<failure>` (so with the default, warnings pass and carry their text in `<system-out>`),
  a skipped check is `<skipped>`, and a check that crashed is an `<error>`.
- **`-o markdown`:** a summary table and one collapsible section per problem, for a job summary
  (`>> $GITHUB_STEP_SUMMARY`) or a pull-request comment.
- **`--include-workloads`** adds the checks that read every namespace (every pod, every ConfigMap); naming
  such a check with `--check` also runs it. They read page by page and keep only counts and sizes.
- **Several clusters:** repeat `--context`, or use `--all-contexts`; they are read concurrently and
  reported one after the other.

## Windowed figures (`--window DURATION`)

A metrics endpoint counts since its process started, so one scrape gives lifetime figures: months of good
samples hide a disk that turned slow ten minutes ago, and one bad night fails forever. The audit therefore
reads each metrics source (etcd's own `/metrics`, the API server's, a managed provider's control-plane
metrics) twice: first at the start, then again `--window` later (default `10s`) while everything else is
read, and judges latencies and rates on what happened in between, as
`histogram_quantile(0.99, rate(x_bucket[10s]))` would. Every finding names its basis, in its message and as
`evidence.basis` in `-o json` (`kind`: `window`, `lifetime` or `current` for a gauge; `seconds`; `samples`;
`note`):

- `window: 10s, 312 samples`: judged on the difference of the two scrapes.
- `since start (3d 4h), 1.2M samples`: a lifetime figure, dated by the process' `process_start_time_seconds`.
  It is used with `--window 0` (one scrape, for speed), offline (a sample or snapshot holds one scrape), when
  the window held too few observations (`min_window_samples`, an idle etcd; `min_window_requests` for the
  API server's request counters), or when the process restarted
  between the scrapes (its counters went down; the figures then count since that restart). The note says which.

Counters (APF rejections, 429s, leader changes, failed proposals) are judged on their increase over the
window, and rates are given per minute or per hour. A source that answered the first scrape and not the
second is named as a failed read and never judged from its older scrape (an etcd member is reported missing).

## The config file (`--config FILE`)

```yaml
thresholds:                       # per check id; names and defaults are listed below
  kubelet-version-skew: {max_minor_skew: 2}
disabled: [kube-proxy-mode]       # checks that do not apply to this cluster
suppressions:                     # accepted risks, each with a reason and a last day
  - check: node-readiness
    object: node/worker-3         # optional: without it, every finding of the check
    reason: being decommissioned, OPS-123
    expires: 2026-12-31
```

Unknown check ids, unknown threshold names, values of the wrong type, negative numbers, a warning level past
its failure level (`warn_days` below `fail_days`, `warn_percent` above `fail_percent`: it could never warn) and
bad dates stop the audit with one line naming the place (exit 2). After its `expires` day a suppression stops
applying and is itself reported as a `warn` finding of `expired-suppression`.

## The checks

"""


NODE_READS = """\
## Node reads: Table rows or whole objects

On a big cluster most of the bytes are nodes. `nodes` is read lean: the API server's Table of nodes
(what `kubectl get nodes -o wide` prints: name, Ready or NotReady, SchedulingDisabled, roles, kubelet
version, addresses, OS image, kernel, container runtime) with each node's labels, and the whole object
only for NotReady rows, control-plane nodes and one node for the provider ID. A row carries no pressure
condition and no taint, so checks that judge those also read `nodes-full`, every node object whole.
A test runs every check on both reads and requires the same verdicts.

"""


def node_reads() -> str:
    """Which checks read nodes, and which of them Table rows serve."""
    from kubectl_arch.audit.registry import catalogue

    rows, whole = [], []
    for check in catalogue().values():
        needs = (*check.meta.needs, *check.meta.optional_needs)
        if "nodes-full" in needs:
            whole.append(check.id)
        elif "nodes" in needs:
            rows.append(check.id)
    return (NODE_READS + f"- **Table rows serve:** {', '.join(f'`{c}`' for c in sorted(rows)) or 'none'}\n"
            f"- **Whole node objects:** {', '.join(f'`{c}`' for c in sorted(whole)) or 'none'}\n\n")


def render() -> str:
    from kubectl_arch.audit.registry import catalogue
    from kubectl_arch.audit.report.catalogue import catalogue_markdown

    return USAGE.replace("## The checks\n", node_reads() + "## The checks\n") + catalogue_markdown(
        list(catalogue().values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/checks.md from the check catalogue.")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date instead of writing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOCS_PATH.read_text() if DOCS_PATH.exists() else ""
        if current != text:
            print(f"{DOCS_PATH} is out of date: run `python -m kubectl_arch.audit.docs`", file=sys.stderr)
            return 1
        return 0
    DOCS_PATH.write_text(text)
    print(f"wrote {DOCS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
