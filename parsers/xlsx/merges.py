"""Merged ranges read as one cell: a value merged down a column belongs to each row.

A merged range shows one cell: its top-left cell holds the value (and the link), the
cells it covers hold none. A list that merges a state, a county or an agency down a
group of rows means that value for each row of the group, as anyone reading the sheet
sees it. Only ranges within one column are read this way: a range across columns is a
title or a note spread over a row, not a value of each column. A header is the one
place where a range across columns names each of them (a group's name above its
columns' own: :func:`spread_across`).

Bounded by the sheet's data: ranges are clipped to its rows and columns, and ranges
that would fill more cells than the data holds (overlapping, which Excel never writes)
are not read at all.
"""

from __future__ import annotations

from dataclasses import replace

from parsers.xlsx import CellValue, Sheet


def fill_merged_down(sheet: Sheet) -> tuple[Sheet, list[int]]:
    """The sheet with the value and link of each range merged down one column in every
    row it covers, and the row of each cell so filled (a covered cell that holds a
    value of its own keeps it, and one in an empty row stays empty)."""
    height = len(sheet.rows)
    width = max(map(len, sheet.rows), default=0)
    spans = [
        (column, top, min(bottom, height - 1))
        for (top, column), (bottom, last) in sheet.merged
        if column == last and top < bottom and top < height and column < width
    ]
    if not spans or sum(bottom - top for _, top, bottom in spans) > height * width:
        return sheet, []
    rows = [list(cells) for cells in sheet.rows]
    links = dict(sheet.hyperlinks)
    filled: list[int] = []
    for column, top, bottom in spans:
        value, link = sheet.value(top, column), sheet.link(top, column)
        if value is None and link is None:
            continue
        for row in range(top + 1, bottom + 1):
            cells = rows[row]
            if not any(cell is not None for cell in cells):
                continue  # an empty row inside the range is no row of the group
            if column < len(cells) and cells[column] is not None:
                continue
            cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = value
            if link is not None:
                links.setdefault((row, column), link)
            filled.append(row)
    return replace(sheet, rows=rows, hyperlinks=links), filled


def spread_across(sheet: Sheet, row: int, width: int) -> list[CellValue]:
    """The first ``width`` cells of ``row``, each covered by a range merged across
    columns holding the range's value."""
    cells = (list(sheet.rows[row]) + [None] * width)[:width]
    for (top, left), (bottom, right) in sheet.merged:
        if top <= row <= bottom and left < right and left < width:
            value = sheet.value(top, left)
            for column in range(left + 1, min(right, width - 1) + 1):
                if cells[column] is None:
                    cells[column] = value
    return cells
