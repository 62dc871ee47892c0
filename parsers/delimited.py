"""Lists published as delimited text (CSV, tab- or semicolon-separated): the grid a
sheet gives, read by Python's :mod:`csv`, for the same list parser as an XLSX.

- **Text:** UTF-16 when a byte-order mark says so (Excel's "Unicode Text"), else
  UTF-8 (a byte-order mark dropped) or, when they are not, Windows-1252, what Excel on
  Windows writes for "CSV" (its five unassigned bytes shown as U+FFFD).
- **Delimiter:** of comma, tab and semicolon, the one that splits the most of the
  first lines into more than one cell (a comma on a tie); quoting as Excel writes it.
- **Cells:** text as written; an empty cell is no value. There are no links (an MOA
  URL is read from the cell's text, as in an XLSX cell holding the URL), merges or
  hidden sheets.
- **Refused** (a ParseError): a control character other than tab, line breaks and
  form feed (a NUL, say: no text file holds one), more cells than an XLSX sheet may
  hold (:class:`~parsers.xlsx.ReadLimits`) or more lines than it has rows (1,048,576:
  blank lines hold no cell, and 4,000,000 of them took 18 s and 500 MB to read), a
  field beyond the csv module's limit.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

from parsers.errors import ParseError
from parsers.formats import UTF16_BOMS, is_text
from parsers.xlsx import DEFAULT_LIMITS, MAX_ROWS, CellValue, ReadLimits, Sheet

DELIMITERS = (",", "\t", ";")
SHEET_NAME = "CSV"
_SAMPLE_LINES = 20
_LINE = re.compile("[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")  # str.splitlines' breaks


def read_delimited(data: bytes, source: str, limits: ReadLimits = DEFAULT_LIMITS) -> Sheet:
    """The one sheet of a delimited text file (ParseError when it cannot be read)."""
    text = _decode(data, source)
    if not is_text(text):
        raise ParseError(source, "not delimited text (it holds control characters)")
    delimiter = _delimiter(text)
    rows: list[list[CellValue]] = []
    cells = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += len(record)
            if cells > limits.max_cells:
                raise ParseError(source, f"more than {limits.max_cells} cells: refusing")
            if len(rows) == MAX_ROWS:  # a blank line is no cell, but a row to read
                raise ParseError(source, f"more than {MAX_ROWS:,} lines (a sheet's rows): refusing")
            rows.append([value if value.strip() else None for value in record])
    except csv.Error as exc:
        raise ParseError(source, f"unreadable delimited text ({exc})") from None
    for values in rows:
        while values and values[-1] is None:
            values.pop()
    while rows and not rows[-1]:
        rows.pop()
    return Sheet(SHEET_NAME, rows)


def _decode(data: bytes, source: str) -> str:
    if data.startswith(UTF16_BOMS):  # the mark says the encoding: no guess
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError(source, "unreadable UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The delimiter that splits the most of the first lines into several cells."""
    lines = (match[0] for match in _LINE.finditer(text) if match[0].strip())
    sample = list(itertools.islice(lines, _SAMPLE_LINES))  # read lazily: not the whole file

    def split_lines(delimiter: str) -> int:
        try:
            records = csv.reader(sample, delimiter=delimiter)
            return sum(len(record) > 1 for record in records)
        except csv.Error:
            return 0

    return max(DELIMITERS, key=split_lines)  # max keeps the first of equals: the comma
