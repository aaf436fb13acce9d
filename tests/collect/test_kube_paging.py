"""Paged lists through the real kubernetes client over HTTPS: limit/continue, streaming, counts."""

from __future__ import annotations

from collections.abc import Callable

from kubectl_arch.collect.kube import KubeSource
from kubectl_arch.collect.source import count, iter_pages, list_all
from tests.harness.apiserver import ApiServer

NODES = "/api/v1/nodes"


def test_list_all_follows_continue_tokens_page_by_page(tiny_server: ApiServer,
                                                       kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    listed = list_all(source, NODES, limit=2)

    assert listed.ok
    assert [n["metadata"]["name"] for n in listed.items] == [
        "cp-1", "cp-2", "cp-3", "worker-1", "worker-2", "worker-3", "worker-4"]
    assert "continue" not in listed.data["metadata"]
    pages = tiny_server.requests_to(NODES)
    assert [r.query.get("limit") for r in pages] == ["2"] * 4
    assert "continue" not in pages[0].query
    assert all(r.query.get("continue") for r in pages[1:]), "every later page must send the server's token"
    assert len({r.query["continue"] for r in pages[1:]}) == 3


def test_iter_pages_streams_one_page_at_a_time(tiny_server: ApiServer,
                                               kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    pages = iter_pages(source, NODES, limit=3)

    first = next(pages)
    assert len(first.items) == 3
    assert len(tiny_server.requests_to(NODES)) == 1, "the second page must not be fetched before it is asked for"
    rest = list(pages)
    assert [len(p.items) for p in rest] == [3, 1]


def test_count_uses_one_request_and_remaining_item_count(tiny_server: ApiServer,
                                                         kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    tiny_server.clear_requests()

    total, page = count(source, NODES)

    assert total == 7
    assert page.ok
    assert [(r.path, r.query) for r in tiny_server.requests] == [(NODES, {"limit": "1"})]


def test_count_is_unknown_when_the_server_omits_the_remainder(tiny_server: ApiServer,
                                                              kube_source: Callable[..., KubeSource]) -> None:
    # The API server leaves remainingItemCount out for selector-filtered lists: no guess is made.
    source = kube_source(tiny_server)
    total, page = count(source, NODES, {"labelSelector": "kubernetes.io/os=linux"})
    assert total is None
    assert page.ok and len(page.items) == 1


def test_a_failing_page_ends_the_listing_as_data(tiny_server: ApiServer,
                                                 kube_source: Callable[..., KubeSource]) -> None:
    source = kube_source(tiny_server)
    tiny_server.fail(lambda path, query: path == NODES and "continue" in query, status=403, times=None)

    pages = list(iter_pages(source, NODES, limit=2))
    listed = list_all(source, NODES, limit=2)

    assert [p.status for p in pages] == [200, 403]
    assert listed.status == 403 and listed.items == []
    assert "forbidden" in listed.skip_reason("nodes")
