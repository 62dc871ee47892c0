"""An HTML table as a grid: one slot per row and column, rowspan and colspan cells
copied into every slot they cover, each cell's text and links kept. Bounded: spans and
widths are capped, a cell's copies are one object, and a grid of more slots than a
sheet's cell budget (``ReadLimits.max_cells``) is refused (``TableTooLarge``): 40,000
rows of one cell spanning 50 columns, 1.2 MB of HTML, took 17 s and 290 MB.

And what heads each table on its page (:func:`tables_in_context`): the headings in
force over it and the labels of the tab panels holding it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers.normalize import FOOTNOTE_SYMBOLS, clean_text
from parsers.xlsx import DEFAULT_LIMITS

_MAX_COLSPAN = 50
_MAX_ROWSPAN = 10_000
_MAX_COLUMNS = 200


@dataclass(frozen=True)
class Link:
    href: str
    text: str


@dataclass(frozen=True)
class Cell:
    text: str
    links: tuple[Link, ...] = ()
    origin: bool = True  # False for a slot filled by a rowspan or colspan copy
    pad: bool = False  # True for a slot the row never filled
    across: bool = False  # True for a colspan copy: a slot right of its cell's first


PAD = Cell("", origin=False, pad=True)


class TableTooLarge(ValueError):
    """A table whose grid holds more slots than the cell budget: no list's."""


def table_grid(
    table: LexborNode, max_cells: int = DEFAULT_LIMITS.max_cells
) -> tuple[tuple[Cell, ...], ...]:
    """The rows of one table (nested tables excluded) as a grid with rowspan and
    colspan cells copied into every slot they cover; TableTooLarge past ``max_cells``
    slots (a row counting as one slot at least)."""
    carry: dict[int, tuple[Cell, int]] = {}
    grid: list[tuple[Cell, ...]] = []
    slots = 0
    for tr in _own_rows(table):
        grid.append(_grid_row(tr, carry))
        slots += max(1, len(grid[-1]))
        if slots > max_cells:
            raise TableTooLarge(f"a table of more than {max_cells:,} cells")
    return tuple(grid)


def _own_rows(table: LexborNode) -> Iterator[LexborNode]:
    """The table's own rows: direct ``tr`` children and those of its row groups."""
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child.iter() if tr.tag == "tr")


def _grid_row(tr: LexborNode, carry: dict[int, tuple[Cell, int]]) -> tuple[Cell, ...]:
    row: list[Cell] = []
    for node in tr.iter():
        if node.tag not in ("td", "th"):
            continue
        _take_carried(row, carry)
        cell = _read_cell(node)
        down = replace(cell, origin=False)  # the slots it spans: one object each way
        across = replace(down, across=True)
        rowspan = _span(node, "rowspan", _MAX_ROWSPAN)
        for offset in range(_span(node, "colspan", _MAX_COLSPAN)):
            if len(row) >= _MAX_COLUMNS:
                break
            if rowspan > 1:
                carry[len(row)] = (across if offset else down, rowspan - 1)
            row.append(across if offset else cell)
    _take_carried(row, carry, to_end=True)
    return tuple(row)


def _take_carried(
    row: list[Cell], carry: dict[int, tuple[Cell, int]], to_end: bool = False
) -> None:
    while len(row) < _MAX_COLUMNS and (
        len(row) in carry or (to_end and any(col > len(row) for col in carry))
    ):
        held = carry.pop(len(row), None)
        if held is None:
            row.append(PAD)
            continue
        cell, left = held
        if left > 1:
            carry[len(row)] = (cell, left - 1)
        row.append(cell)


def _span(node: LexborNode, name: str, limit: int) -> int:
    match = re.match(r"\s*(\d{1,6})", node.attributes.get(name) or "")
    if not match:
        return 1
    value = int(match[1])
    return limit if value == 0 and name == "rowspan" else max(1, min(value, limit))


def _read_cell(node: LexborNode) -> Cell:
    links = tuple(
        Link(anchor.attributes.get("href") or "", clean_text(anchor.text(separator=" ")))
        for anchor in node.css("a[href]")
    )
    joined = False
    for mark in node.css("sup"):
        if _FOOTNOTE_MARK.fullmatch(mark.text(deep=True).strip()):
            mark.decompose()  # a footnote reference (``Office<sup>1</sup>``), not the value's
        else:
            mark.unwrap()  # part of the value: ``June 1<sup>st</sup>`` is ``June 1st``
            joined = True
    if joined:
        node.merge_text_nodes()
    return Cell(clean_text(node.text(separator=" ")), links)


# What a superscript holds when it refers to a note: digits, letters a to z alone, or a
# mark (an ordinal's ``st`` or ``th`` is part of the value and stays, joined to it).
_FOOTNOTE_MARK = re.compile(rf"\(?(?:\d{{1,2}}|[a-z]|[{FOOTNOTE_SYMBOLS}])\)?")


# --------------------------------------------------------------------------- headers


# --------------------------------------------------------------------------- context

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A class naming a list of tabs (``tabs``, ``nav-tabs``, ``quicktabs-tabs``, ``ui-tabs-nav``)
_TAB_CLASS = re.compile(r"(?:^|[-_])tabs?(?:list)?(?:$|[-_])", re.IGNORECASE)
_TAB_LIST_DEPTH = 3  # a tab's link sits in its list, or its item: ``ul > li > a``


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str
    panels: tuple[int, ...]  # the panels holding it (their nodes' ids), outer first
    order: int  # its place on the page


def tables_in_context(tree: LexborHTMLParser) -> Iterator[tuple[LexborNode, tuple[str, ...]]]:
    """Each table of the page, in page order, with the texts that head it, outer first
    (empty ones left out): the headings in force over it, and the labels of the panels
    holding it. A heading heads what follows it until the next heading of its level or
    higher, within the panel holding it (a tab panel's or a disclosure's headings head
    nothing outside it); a tab's label heads its panel, as a heading would, under the
    headings before the panel and over those in it (:func:`panel_labels`)."""
    labels = panel_labels(tree)
    chains: dict[int, tuple[int, ...]] = {}
    stack: list[_Heading] = []
    for order, node in enumerate(tree.css(", ".join(("table", *_HEADINGS)))):
        panels = _panels_of(node, labels, chains)
        stack = [h for h in stack if panels[: len(h.panels)] == h.panels]  # a panel left
        if node.tag in _HEADINGS:
            level = int(node.tag[1])
            while stack and stack[-1].panels == panels and stack[-1].level >= level:
                stack.pop()
            stack.append(_Heading(level, clean_text(node.text(separator=" ")), panels, order))
            continue
        if node.mem_id in labels:  # the table is the panel itself
            panels = (*panels, node.mem_id)
        said = [((len(h.panels), h.order), h.text) for h in stack]
        said += [((depth, -1), labels[panel]) for depth, panel in enumerate(panels, 1)]
        yield node, tuple(text for _, text in sorted(said) if text)


def panel_labels(tree: LexborHTMLParser) -> dict[int, str]:
    """The label of each panel on the page that one names, by its node's ``mem_id``: the
    text of a tab controlling it (an element of role ``tab``, by its ``aria-controls``
    or ``href``; a link to it, ``#panel``, in a list of tabs: role ``tablist``, or a
    class naming tabs), of the elements a tab panel is labelled by
    (``aria-labelledby``), or a ``details`` element's summary."""
    ids: dict[str, LexborNode] = {}
    for node in tree.css("[id]"):
        ids.setdefault(node.attributes.get("id") or "", node)
    labels: dict[int, str] = {}
    for tab in tree.css('[role="tab"], a[href^="#"]'):
        if tab.attributes.get("role") != "tab" and not _in_tab_list(tab):
            continue
        text = clean_text(tab.text(separator=" "))
        targets = (tab.attributes.get("aria-controls") or "").split()
        href = tab.attributes.get("href") or ""
        targets += [href[1:]] if href.startswith("#") else []
        for target in targets:
            if text and (panel := ids.get(target)) is not None:
                labels.setdefault(panel.mem_id, text)
    for panel in tree.css('[role="tabpanel"][aria-labelledby]'):
        named = (ids.get(at) for at in (panel.attributes.get("aria-labelledby") or "").split())
        text = " ".join(clean_text(n.text(separator=" ")) for n in named if n is not None)
        if text.strip():
            labels.setdefault(panel.mem_id, text.strip())
    for summary in tree.css("details > summary"):
        text = clean_text(summary.text(separator=" "))
        if text and summary.parent is not None:
            labels.setdefault(summary.parent.mem_id, text)
    return labels


def _in_tab_list(link: LexborNode) -> bool:
    node = link.parent
    for _ in range(_TAB_LIST_DEPTH):
        if node is None:
            return False
        classes = (node.attributes.get("class") or "").split()
        if node.attributes.get("role") == "tablist" or any(map(_TAB_CLASS.search, classes)):
            return True
        node = node.parent
    return False


def _panels_of(
    node: LexborNode, labels: dict[int, str], chains: dict[int, tuple[int, ...]]
) -> tuple[int, ...]:
    """The labelled panels holding ``node`` (their ``mem_id``), outer first; ``chains``
    remembers each ancestor's, so the page's nodes are walked up once in all."""
    if not labels:
        return ()
    path: list[LexborNode] = []
    parent = node.parent
    while parent is not None and parent.mem_id not in chains:
        path.append(parent)
        parent = parent.parent
    chain = chains[parent.mem_id] if parent is not None else ()
    for ancestor in reversed(path):
        if ancestor.mem_id in labels:
            chain = (*chain, ancestor.mem_id)
        chains[ancestor.mem_id] = chain
    return chain
