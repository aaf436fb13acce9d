"""One run asks the API server for each thing once: on a laptop 20-150 ms from its cluster, every
repeated request is time the operator waits for nothing (the start-up probe of /version used to be
asked again as the "version" need)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

COMMANDS = [["explain"], ["audit", "--window", "0"], ["trace", "deployment/api", "-n", "shop"]]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_a_run_sends_no_request_twice(args: list[str], run_cli: Callable[..., Any],
                                      api_server: Callable[..., Any], kubeconfig_for: Callable[..., Path]) -> None:
    server = api_server("kind-ha")
    code, _out, err = run_cli([*args, "--kubeconfig", str(kubeconfig_for(server))])
    assert code in (0, 1), err  # audit exits 1 on the sample's failing checks
    asked = Counter((r.path, json.dumps(r.query, sort_keys=True)) for r in server.requests)
    assert asked, "the run read nothing"
    assert asked[("/version", "{}")] == 1
    assert [key for key, times in asked.items() if times > 1] == []
