"""The ``Source`` protocol, the raw ``Response`` it returns, and paging helpers built on it.

Responses are data, not exceptions: a 403 or 404 comes back as a ``Response`` whose ``skip_reason`` a
check can show, so one missing permission never kills a whole run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlencode

from kubectl_arch import jsonshape

Query = Mapping[str, str]

# Status used when no HTTP status was received (connection refused, reset, timeout, not in a snapshot).
NO_STATUS = 0


def request_key(path: str, query: Query | None = None) -> str:
    """The stable key of a GET: its path and its query sorted, as snapshots store it."""
    if not query:
        return path
    # backslashreplace: a name no API server would accept (a lone surrogate) must not crash a replay.
    return f"{path}?{urlencode(sorted(query.items()), errors='backslashreplace')}"


@dataclass
class Response:
    """One raw API answer: parsed JSON in ``data`` or plain ``text``, or an ``error`` and status."""

    status: int
    data: Any = None
    text: str | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Nothing was there to read by design (a flag not given, a component this cluster does not run, a list
    # not taken at this scale): an answer that says "none", unlike a read that failed.
    absent: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and self.error is None

    def answered(self, answers: tuple[int, ...] = (404,)) -> bool:
        """Whether the cluster gave an answer: data, an absence it stated (404), or nothing to read by design.

        Everything else (403, 401, 5xx or 429 after retries, a timeout, a truncated body, a request a
        snapshot did not record) is a failed read: what depends on it is unknown, never "fine" or "none".
        """
        return self.ok or self.absent or self.status in answers

    @property
    def forbidden(self) -> bool:
        return self.status == 403

    @property
    def not_found(self) -> bool:
        return self.status == 404

    @property
    def items(self) -> list[dict[str, Any]]:
        """The ``items`` of a list response, empty when the response is not a list."""
        if self.ok and isinstance(self.data, dict):
            items = self.data.get("items")
            if isinstance(items, list):
                # Analysis relies on every item being an object with object metadata, as an API server
                # guarantees; a hand-edited or corrupted snapshot must not crash it.
                return [item for item in items if isinstance(item, dict) and isinstance(item.get("metadata", {}), dict)]
        return []

    def skip_reason(self, what: str, permission: str | None = None) -> str:
        """Why the data for ``what`` is missing, in words a user can act on; a refusal names ``permission`` (the
        RBAC rule the read takes and the `kubectl auth can-i` line that confirms it) where the caller knows it."""
        if self.status == 403:
            if permission:
                return (f"forbidden to read {what} (HTTP 403): it takes {permission}; "
                        "`kubectl arch rbac` prints the role that grants it")
            return f"forbidden to read {what} (HTTP 403): grant the permission shown by `kubectl arch rbac`"
        if self.status == 404:
            return f"{what} not found (HTTP 404)"
        if self.status == 401:
            return f"credentials rejected reading {what} (HTTP 401)"
        if self.error:
            return f"could not read {what}: {self.error}"
        return f"could not read {what} (HTTP {self.status})"

    def to_record(self) -> dict[str, Any]:
        """The JSON form stored in snapshots."""
        record: dict[str, Any] = {"status": self.status}
        if self.data is not None:
            record["data"] = self.data
        if self.text is not None:
            record["text"] = self.text
        if self.error is not None:
            record["error"] = self.error
        if self.absent:
            record["absent"] = True
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Response:
        """A recorded response; a hand-edited record of the wrong shape reads as a failed read, not a crash."""
        status = record.get("status", NO_STATUS)
        text, error = record.get("text"), record.get("error")
        if not isinstance(status, int) or isinstance(status, bool):
            return cls(status=NO_STATUS, error=f"the recorded status {str(status)[:40]!r} is not an HTTP status")
        return cls(
            status=status,
            data=record.get("data"),
            text=text if isinstance(text, str) else None,
            error=error if isinstance(error, str) or error is None else str(error),
            absent=record.get("absent") is True,
        )


@dataclass
class Credentials:
    """Public parts of the kubeconfig entry in use: never a token or a private key."""

    context: str = ""
    server: str = ""
    client_certificate_pem: str | None = None
    certificate_authority_pem: str | None = None
    auth: str = "unknown"  # client-certificate, token, exec, auth-provider, in-cluster, none
    namespace: str = "default"  # the context's namespace, the default for -n


class Source(Protocol):
    """Anything that answers Kubernetes GETs: a live cluster, a snapshot or a bundled sample."""

    @property
    def description(self) -> str:
        """Where the data comes from, for headers and messages."""
        ...

    def get(self, path: str, query: Query | None = None) -> Response:
        """GET ``path`` with ``query``; JSON bodies are parsed, other bodies kept as text."""
        ...

    def watch(self, path: str, query: Query | None = None, timeout_seconds: int = 60) -> Iterator[dict[str, Any]]:
        """Stream watch events (``{"type": ..., "object": {...}}``) until the server ends the watch."""
        ...

    def peer_certificates(self) -> Response:
        """The API server's TLS certificate chain, leaf first, as PEM strings in ``data``."""
        ...

    def credentials(self) -> Credentials:
        """The public parts of the credentials in use."""
        ...

    def now(self) -> dt.datetime:
        """The time analysis measures ages against: the server's clock, or the capture time offline."""
        ...


@runtime_checkable
class ChecksReadable(Protocol):
    """A source that can tell, once its reads are done, that the cluster could not be read at all (a live
    cluster that forbade every read); samples and snapshots answer what they hold."""

    def check_readable(self) -> None:
        """Raise ``ArchError`` when the reads so far show the cluster could not be read at all."""
        ...


DEFAULT_PAGE_SIZE = 500


def iter_pages(
    source: Source, path: str, query: Query | None = None, limit: int = DEFAULT_PAGE_SIZE,
    get: Callable[[str, Query | None], Response] | None = None, long_list: tuple[int, int] | None = None,
) -> Iterator[Response]:
    """Yield each page of a list, following ``continue`` so memory holds one page at a time.

    Pages are read one after another, in order: each asks for the token the previous one gave. ``get``
    reads a page another way (``table_reader``). A failed page is yielded and ends the iteration, so
    callers see the error as data. ``long_list`` = (remaining, smaller limit): once a page reports more
    than ``remaining`` items still to come, the following pages ask for fewer (a page being parsed is
    then a smaller part of memory; a short list keeps its few round trips).
    """
    read = get or source.get
    params = dict(query or {})
    params["limit"] = str(limit)
    while True:
        page = read(path, params)
        yield page
        if not page.ok or not isinstance(page.data, dict):
            return
        metadata = jsonshape.mapping(page.data.get("metadata"))
        token = metadata.get("continue")
        if not token:
            return
        params = {**params, "continue": token}
        remaining = jsonshape.integer(metadata.get("remainingItemCount"))
        if long_list and remaining is not None and remaining > long_list[0]:
            params["limit"] = str(long_list[1])


# Server-side Tables (what `kubectl get` reads): a list as rows of printed columns plus, with
# includeObject=Metadata, each object's metadata. JSON as the fallback for servers that do not print.
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"


def table_reader(source: Source) -> Callable[[str, Query | None], Response] | None:
    """The source's way to GET a list as a Table (``get_table``), or None when it has none."""
    reader = getattr(source, "get_table", None)
    return reader if callable(reader) else None


def is_table(response: Response) -> bool:
    """Whether an answer is a meta.k8s.io Table (a server may answer a Table request with the plain list)."""
    data = response.data
    return (response.ok and isinstance(data, dict) and data.get("kind") == "Table"
            and str(data.get("apiVersion", "")).startswith("meta.k8s.io/"))


def list_all(
    source: Source,
    path: str,
    query: Query | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    long_list: tuple[int, int] | None = None,
) -> Response:
    """Read a whole list through its pages and return it as one list response (or the failing page).

    ``keep`` trims each item as its page arrives, so fields no analysis reads never pile up in memory;
    ``long_list`` as for ``iter_pages``.
    """
    items: list[dict[str, Any]] = []
    data: dict[str, Any] | None = None  # the first page without its items: holding it whole held 500 raw objects
    for page in iter_pages(source, path, query, limit, long_list=long_list):
        if not page.ok:
            return page
        if data is None:
            data = {k: v for k, v in page.data.items() if k != "items"} if isinstance(page.data, dict) else {}
        items.extend(map(keep, page.items) if keep else page.items)
    data = data or {}
    data["items"] = items
    data["metadata"] = {
        k: v for k, v in jsonshape.mapping(data.get("metadata")).items() if k not in ("continue", "remainingItemCount")
    }
    return Response(status=200, data=data)


def count(source: Source, path: str, query: Query | None = None) -> tuple[int | None, Response]:
    """Count a list's objects with one small request: ``limit=1`` plus ``remainingItemCount``.

    Returns ``None`` as the count when the server does not report the remainder (it omits it for
    lists filtered by a field selector) and the answer needs a full listing.
    """
    page = source.get(path, {**dict(query or {}), "limit": "1"})
    if not page.ok or not isinstance(page.data, dict):
        return None, page
    meta = jsonshape.mapping(page.data.get("metadata"))
    n = len(page.items)
    if meta.get("continue"):
        remaining = meta.get("remainingItemCount")
        return (n + int(remaining), page) if remaining is not None else (None, page)
    return n, page
