"""Links no agreement owns: one address given as the MOA (or addendum) of many agencies.

A MOA is one agency's agreement, so its document is linked from that agency's rows. A
copy-paste slip gives a second agency its neighbour's link (the corpus has a few, each
shared by two agencies); an address that rows of ``SHARED_BY`` agencies or more link is
no document of theirs at all, but a page or a placeholder put in the links' place (ICE
linking every row to its 287(g) page, say). Such a link says nothing of any row's MOA:
it is read as the link lost, the cell's text kept (``flags``: ``link_shared``), so the
agreements keep their known documents, as they do when a copy loses its hyperlinks,
instead of each changing to the placeholder and back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from parsers.records import ListingRow

SHARED_BY = 3  # agencies; two can be one agency's link and a slip


def unshared(rows: list[ListingRow]) -> tuple[list[ListingRow], list[str]]:
    """``rows`` with every link that rows of SHARED_BY agencies or more give as their
    MOA or addendum read as no link, and a note for each such address."""
    agencies: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        for url in (row.moa_url, row.addendum_url):
            if url:
                agencies[url].add((row.state, row.agency_key))
    shared = {url for url, owners in agencies.items() if len(owners) >= SHARED_BY}
    if not shared:
        return rows, []
    notes = [
        f"{len(agencies[url])} agencies' rows link one address as their MOA or addendum "
        f"({url}): no agreement's own document, read as no link"
        for url in sorted(shared)
    ]
    return [_without(row, shared) for row in rows], notes


def _without(row: ListingRow, shared: set[str]) -> ListingRow:
    moa, addendum = row.moa_url in shared, row.addendum_url in shared
    if not moa and not addendum:
        return row
    return replace(
        row,
        moa_url=None if moa else row.moa_url,
        addendum_url=None if addendum else row.addendum_url,
        flags=(*row.flags, "link_shared"),
    )
