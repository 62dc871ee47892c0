"""Links a copy stripped of its hyperlinks says are there, their URLs not shown.

A copy saved with values only (no row of it carries a hyperlink, and some cell still
says ``link``) knows which rows have a MOA but not where: a cell saying ``link`` says a
link is there, not which. Its URL comes with the first copy that has the hyperlinks,
maybe days later (a second server or a cache serving stripped copies in turn). So the
entry keeps a marker (``Said``) per link cell so said: the last snapshot that showed the
link's known value (a URL, or none) and the first stripped copy since. When a copy with
hyperlinks shows the link, a link where none was known is published between the two
(dated by the first copy saying ``link``, not by the first with the URL); a link other
than the known one changed since the last snapshot showing the known one (the stripped
copies between cannot say which link they had); the same link is no event. A cell that
stops saying ``link`` (``link pending``, empty) ends its marker.

A copy that has hyperlinks shows which links there are: a cell there saying ``link``
without one has none (ICE's own slip; the corpus has three such rows for months, a
stripped copy among them), so such a copy sets no marker and ends every marker held.
Pure functions of plain values.
"""

from __future__ import annotations

from collections.abc import Iterable

from diffs.events import SnapshotRef
from diffs.state import Entry, Said
from parsers.records import ListingRow
from parsers.urls import says_pending

LINKS = (("moa_url", "moa_text"), ("addendum_url", "addendum_text"))
"""Each link field of a row and the field holding its cell's text."""


def says_link(text: str | None) -> bool:
    """Whether a link cell's text says a document is there (``link``, ``MOA``), not yet
    to come (``link pending``) nor nothing."""
    return bool(text and text.strip()) and not says_pending(text)


def stripped(rows: Iterable[ListingRow]) -> bool:
    """Whether a list is a copy stripped of its hyperlinks: no row carries a link, and
    some row's link cell says one is there. Asked of every list: the first row with a
    link answers it."""
    saying = False
    for row in rows:
        if row.moa_url or row.addendum_url:
            return False
        saying = saying or says_link(row.moa_text) or says_link(row.addendum_text)
    return saying


def said(
    old: Entry, row: ListingRow, start: SnapshotRef | None, ref: SnapshotRef, in_stripped: bool
) -> tuple[Said, ...]:
    """The markers ``old`` holds after ``row`` at ``ref``: in a stripped copy, each link
    cell saying ``link`` keeps its marker or takes one (``start``: the last snapshot
    showing the entry, or before the link's held blank, if any); a copy with hyperlinks
    ends them all (a link shown reads its old marker for its dates)."""
    if not in_stripped:
        return ()
    markers = {marker.name: marker for marker in old.said}
    blanked = {blank.name: blank.start for blank in old.blanks}
    return tuple(
        markers.get(name) or Said(name, blanked.get(name, start), ref)
        for name, text in LINKS
        if says_link(getattr(row, text))
    )


def first_said(held: tuple[Said, ...], name: str) -> Said | None:
    """The marker of link ``name``: its publication's dates when its URL comes."""
    return next((marker for marker in held if marker.name == name), None)


def note(marker: Said, shown: SnapshotRef) -> str:
    """A publication dated by a stripped copy, as its event's note says it: the URL is
    the first seen, not necessarily the one the cell had then."""
    said, seen = marker.since.observed_at[:10], shown.observed_at[:10]
    return f"a copy without hyperlinks said link on {said}; the URL first seen on {seen}"
