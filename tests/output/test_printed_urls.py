"""Every web address kubectl-arch prints is in the reviewed list (tests/output/reviewed_urls.py): a new "read
more" link, or one changed, fails here until someone has looked at the page it names.

Two nets: the addresses written in the shipped code's strings (quick, and it sees branches no sample reaches),
and what the commands print over every bundled sample (tools/printed_urls.py: the catalogue, each check's
page, audit, explain's pages, trace of every pod), which also sees addresses put together at run time.
"""

from __future__ import annotations

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.output.reviewed_urls import CONFIRMED, NOT_PAGES, PAGES
from tools.printed_urls import code_urls, printed_urls

REVIEWED = set(PAGES) | set(NOT_PAGES)


def test_every_address_in_the_code_is_reviewed() -> None:
    found = code_urls()
    unreviewed = {url: where for url, where in found.items() if url not in REVIEWED}
    assert not unreviewed, ("addresses not in tests/output/reviewed_urls.py (check each page says what it is "
                            f"cited for, then add it): {unreviewed}")


def test_the_reviewed_list_names_only_addresses_the_code_still_has() -> None:
    """A link removed from the code leaves the list too, so the list stays the product's."""
    found = set(code_urls())
    filled_in = {url for url in NOT_PAGES if "{}" not in url and url.replace("10257", "{}").replace("10259", "{}")
                 in found}
    assert sorted(REVIEWED - found - filled_in) == []
    assert set(CONFIRMED) <= set(PAGES)


@pytest.mark.heavy
@pytest.mark.parametrize("surface", ["catalogue", *sample_names()])
def test_every_printed_address_is_reviewed(surface: str) -> None:
    printed = printed_urls(surface)
    assert printed, f"{surface}: no address printed at all: the collection is broken"
    unreviewed = {url: where for url, where in printed.items() if url not in REVIEWED}
    assert not unreviewed, f"printed but not reviewed (tests/output/reviewed_urls.py): {unreviewed}"
