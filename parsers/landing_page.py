"""The ICE 287(g) landing page: where the current lists are, and what the page claims.

Since 2025 https://www.ice.gov/identify-and-arrest/287g links the participating and
pending lists as spreadsheets whose names drift from one upload to the next
(``participatingAgencies05182026am.xlsx``, ``287gParticipatingAgencies091526pm.xlsx``,
``participatingAgencies04212026am 12.15.07 AM.xlsx``, ...). :func:`parse_landing_page`
finds them by what the link is (see :mod:`parsers.list_links`: a spreadsheet by its file
name, ``download``/``type`` attributes or words), never by one exact pattern, reads the
counts the page states in prose, notes whether the older inline participating table is
the list and collects the MOA PDF links.

The inline table is the list only in the era the page held its list inline: a page that
links the participating list as a file (a link to it, its parts, the file of both lists)
or links files it does not name (``Download`` to ``/media/123/download``: the lists,
unnamed) holds no list inline, whatever table it shows (``Recently signed agreements``,
five rows): read as the list, it withdrew every other agreement. A page linking the
pending list alone still holds the participating one inline.

Pure: bytes in, a :class:`LandingPage` out. Bytes that are not HTML raise
:class:`~parsers.errors.ParseError`; a page without list links is not an error (both
URLs are None and the caller reports the candidates).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from parsers.dates import parse_date
from parsers.html_page import block_reason, load_html
from parsers.legacy_html import has_participating_table
from parsers.list_links import (
    ListLinkKind,
    both_lists_url,
    find_list_links,
    list_page_urls,
    list_parts,
    moa_links,
    page_links,
    pick_list_url,
    unnamed_files,
    unsure_rivals,
)
from parsers.normalize import clean_text

LIST_KINDS: tuple[ListLinkKind, ...] = ("participating", "pending")
_N = r"(?<!\d, )(?<!FY )(?<![\d,.A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(?![\d,]\d)"
_LABELS = MappingProxyType(
    {
        "jem": r"(?:Jail Enforcement Model|JEM)",
        "wso": r"(?:Warrant Service Officers?|WSO)",
        "tfm": r"(?:Task Force Model|TFM)",
    }
)
_TOTAL = re.compile(
    _N
    + r"\s+(?:signed\s+|active\s+|total\s+)?"
    + r"(?:Memorand(?:um|a)s?\s+of\s+Agreements?|MOAs?\b(?!\s*Name))",
    re.I,
)
_STATES_AFTER_TOTAL = re.compile(
    r"^[^.]{0,120}?\b(?:in|across)\s+" + _N + r"\s+(?:U\.S\.\s+)?states", re.I
)
_PENDING_COUNT = (
    re.compile(_N + r"\s+(?:[A-Za-z()]+\s+){0,3}?pending\b", re.I),
    re.compile(
        r"\bpending\s+(?:applications?|agencies|agreements|requests)\s*[:\-\u2013]\s*" + _N, re.I
    ),
)
_AS_OF = re.compile(
    r"\bas of\s+((?:[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}|(?:[A-Z][a-z]+\s+\d{4}))",
    re.I,
)


@dataclass(frozen=True)
class StatedCounts:
    """Counts the page states in prose; None for anything it does not state."""

    total_moas: int | None = None
    states: int | None = None
    jem: int | None = None
    wso: int | None = None
    tfm: int | None = None
    pending: int | None = None
    as_of: date | None = None
    as_of_raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the date as ISO text)."""
        data = dataclasses.asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return data


@dataclass(frozen=True)
class LandingPage:
    """What the landing page says: the list URLs, every spreadsheet link seen, the counts
    it states, whether its inline table is the participating list (``has_legacy_table``:
    the page holds it and links the list as no file, see the module docstring), and its
    MOA links. ``parts`` are, by list, the links of a list linked only in parts (its URL
    is then None: :func:`parsers.list_links.list_parts`). ``unnamed_files`` are the
    links to files whose words say nothing of what they hold (outside tables).

    ``block_reason`` is the title of an error or block page ('Access Denied', '404 Not
    Found', a CAPTCHA wall) when the page looks like one and holds neither list links
    nor the legacy table, so a caller can say why nothing was found.
    """

    participating_url: str | None
    pending_url: str | None
    candidates: tuple[str, ...] = ()
    parts: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    stated_counts: StatedCounts | None = None
    has_legacy_table: bool = False
    moa_links: tuple[str, ...] = ()
    title: str | None = None
    block_reason: str | None = None
    list_pages: tuple[str, ...] = ()  # pages named for a list, when it links neither
    # by list, the other files linked for it that are not clearly older than its URL's
    rivals: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    unnamed_files: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (tuples as lists, the counts as a dict)."""
        data = dataclasses.asdict(self)
        data["candidates"] = list(self.candidates)
        data["moa_links"] = list(self.moa_links)
        data["parts"] = {kind: list(urls) for kind, urls in self.parts.items()}
        data["list_pages"] = list(self.list_pages)
        data["rivals"] = {kind: list(urls) for kind, urls in self.rivals.items()}
        data["unnamed_files"] = list(self.unnamed_files)
        data["stated_counts"] = self.stated_counts.to_dict() if self.stated_counts else None
        return data


def parse_landing_page(data: bytes, page_url: str) -> LandingPage:
    """Read the landing page at ``page_url`` (used to resolve relative links).

    Raises ParseError only when ``data`` is not HTML; a page with neither list links nor
    the legacy table gives a LandingPage whose URLs are None. A table beside a link to
    the participating list, its parts or unnamed files is not the list (see the module
    docstring).
    """
    tree = load_html(data, page_url)
    anchors = page_links(tree, page_url)
    links = find_list_links(anchors)
    parts: dict[str, tuple[str, ...]] = {
        kind: found for kind in LIST_KINDS if (found := list_parts(links, kind))
    }
    both = both_lists_url(links)  # for a list no link of its own names
    participating, pending = (
        None if parts.get(kind) else pick_list_url(links, kind) or both for kind in LIST_KINDS
    )
    picked = {LIST_KINDS[0]: participating, LIST_KINDS[1]: pending}
    rivals: dict[str, tuple[str, ...]] = {
        kind: found
        for kind, url in picked.items()
        if url and (found := unsure_rivals(links, kind, url))
    }
    table = has_participating_table(tree)
    title_node = tree.css_first("title")
    title = clean_text(title_node.text(separator=" ")) if title_node else ""
    prose = prose_text(tree)  # strips the tables: links in a table's cells are its own
    unnamed = unnamed_files(page_links(tree, page_url))
    legacy = table and not (participating or parts.get("participating") or unnamed)
    usable = participating or pending or legacy
    followed = () if usable or parts else list_page_urls(anchors, page_url)
    return LandingPage(
        participating_url=participating,
        pending_url=pending,
        candidates=tuple(dict.fromkeys(link.url for link in links)),
        parts=parts,
        stated_counts=stated_counts(prose),
        has_legacy_table=legacy,
        moa_links=moa_links(anchors),
        title=title or None,
        block_reason=None if usable or followed else block_reason(tree),
        list_pages=followed,
        rivals=rivals,
        unnamed_files=unnamed,
    )


def prose_text(tree: LexborHTMLParser) -> str:
    """The visible prose of the page, whitespace collapsed. Removes scripts, styles and
    tables from ``tree`` (so read links and tables first)."""
    tree.strip_tags(["script", "style", "noscript", "template", "table"])
    body = tree.body or tree.root
    return clean_text(body.text(separator=" ")) if body else ""


def stated_counts(text: str) -> StatedCounts | None:
    """Counts stated in the page prose, e.g. '444 Memorandums of Agreement (MOAs) in 38
    states', '86 Jail Enforcement Model', '66 pending' (numbers may carry commas).
    None when the text states none of them."""
    total, states = _total_and_states(text)
    as_of_raw = _first(_AS_OF, text)
    counts = StatedCounts(
        total_moas=total,
        states=states,
        jem=_model_count(text, "jem"),
        wso=_model_count(text, "wso"),
        tfm=_model_count(text, "tfm"),
        pending=_pending_count(text),
        as_of=parse_date(as_of_raw)[0] if as_of_raw else None,
        as_of_raw=as_of_raw,
    )
    return counts if counts != StatedCounts() else None


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match[1] if match else None


def _total_and_states(text: str) -> tuple[int | None, int | None]:
    match = _TOTAL.search(text)
    if not match:
        return None, None
    states = _first(_STATES_AFTER_TOTAL, text[match.end() :])
    return _number(match[1]), _number(states) if states else None


def _model_count(text: str, model: str) -> int | None:
    label = _LABELS[model]
    before = re.search(_N + r"\s+(?:287\(g\)\s+)?" + label + r"\b", text, re.I)
    if before:
        return _number(before[1])
    after = re.search(
        r"\b" + label + r"\)?(?:\s+(?:agreements?|MOAs?))?\s*(?::|-|\u2013|\(|\bwith\b)\s*" + _N,
        text,
        re.I,
    )
    return _number(after[1]) if after else None


def _pending_count(text: str) -> int | None:
    for pattern in _PENDING_COUNT:
        found = _first(pattern, text)
        if found:
            return _number(found)
    return None
