"""What a list's notes say of its rows: which rows (the first few numbers, then
"..."), and the notes on the rows read that the reader of a list must see (blank rows
inside it, rows continuing the agency above, agencies' headings, support types naming
no model known). Pure: row numbers in, sentences out."""

from __future__ import annotations

LISTED_ROWS = 10  # row numbers named in a note before "..."


def blank_row_note(blank_rows: list[int], sheet_rows: int) -> list[str]:
    """Blank rows inside the list (trailing blank rows are normal and not reported)."""
    trailing = sheet_rows
    for number in reversed(blank_rows):
        if number != trailing:
            break
        trailing -= 1
    inside = [number for number in blank_rows if number <= trailing]
    if not inside:
        return []
    shown = row_numbers(inside)
    plural = "s" if len(inside) > 1 else ""
    return [f"skipped {len(inside)} blank row{plural} inside the list (row{plural} {shown})"]


def continued_note(rows: list[int]) -> list[str]:
    said = "without an agency read as the agency of the row above"
    return [rows_said(rows, said)] if rows else []


def agency_headings_note(rows: list[int]) -> list[str]:
    said = (
        "naming an agency and no agreement, above rows continuing it, read as its "
        "heading, not an agreement"
    )
    return [rows_said(rows, said)] if rows else []


def unknown_models_note(labels: dict[str, list[int]]) -> list[str]:
    """Support types that name no model known: the reader must see what ICE wrote (a
    new model, or a label the rules cannot read), since such a row keeps its
    agreement's model only where the diff can tell which agreement it is."""
    said = "of support type '{}', which names no model known, read without a model"
    return [rows_said(rows, said.format(label)) for label, rows in labels.items()]


def rows_said(numbers: list[int], said: str) -> str:
    """What a note says of some rows: ``3 rows {said} (rows 4, 9, 12)``."""
    plural = "s" * (len(numbers) != 1)
    return f"{len(numbers)} row{plural} {said} (row{plural} {row_numbers(numbers)})"


def row_numbers(numbers: list[int]) -> str:
    """Row numbers as a note names them: the first few, then "..."."""
    shown = ", ".join(map(str, numbers[:LISTED_ROWS]))
    return shown + (", ..." if len(numbers) > LISTED_ROWS else "")
