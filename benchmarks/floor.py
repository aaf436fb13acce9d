"""The floor under kubectl-arch's small-cluster times: its reader alone doing what `kubectl get nodes -o json` does.

Python starts, the kubernetes client is imported (as kubectl-arch imports it, the unused parts deferred), the
kubeconfig is loaded, every page of ``/api/v1/nodes`` is read and the list is printed as JSON. No command line,
no analysis, no rendering: at 10 nodes a command of kubectl-arch cannot be faster than this, so the report sets
it beside the 3x target (issue 15) to show which part of a miss is Python and the client and which is ours.

    python benchmarks/floor.py --kubeconfig PATH
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

PAGE = "500"  # kubectl's --chunk-size


def main(argv: Sequence[str]) -> int:
    from kubectl_arch.collect.client_imports import import_client

    import_client()
    from kubectl_arch.collect.kube import KubeSource

    kubeconfig = argv[argv.index("--kubeconfig") + 1] if "--kubeconfig" in argv else None
    source = KubeSource(kubeconfig=kubeconfig)
    items: list[Any] = []
    query = {"limit": PAGE}
    while True:
        response = source.get("/api/v1/nodes", query)
        if not response.ok:
            print(f"floor: GET /api/v1/nodes: {response.error or response.status}", file=sys.stderr)
            return 1
        items += response.data.get("items") or []
        token = (response.data.get("metadata") or {}).get("continue")
        if not token:
            break
        query = {"limit": PAGE, "continue": token}
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout, indent=4)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
