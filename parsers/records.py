"""The records parsers produce. Plain frozen dataclasses, JSON-friendly."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from parsers.status_words import names_a_body

ListKind = Literal["participating", "pending"]
MODELS = ("JEM", "TFM", "WSO")


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One normalised row of one participating or pending list.

    ``agency`` is the display name with whitespace and apostrophes cleaned; ``agency_key``
    is the identity key (see :func:`parsers.normalize.agency_key`). ``model`` is one of
    JEM / TFM / WSO, or None when the support type could not be recognised (``model_raw``
    keeps what the sheet said). ``signed_raw`` keeps the cell text whenever the date was
    not a clean date cell, and ``flags`` names anything repaired or doubtful.

    What the row says, not where: its place in the sheet is its list's
    (:attr:`ParsedListing.row_numbers`), so a row listed unchanged in the next capture
    is the same row wherever it moved.
    """

    state: str
    agency: str
    agency_key: str
    model: str | None
    model_raw: str = ""
    agency_type: str | None = None
    county: str | None = None
    signed: date | None = None
    signed_raw: str | None = None
    moa_url: str | None = None
    moa_text: str | None = None
    addendum_url: str | None = None
    addendum_text: str | None = None
    state_raw: str = ""
    flags: tuple[str, ...] = ()

    @property
    def states_an_agreement(self) -> bool:
        """Whether the row states an agreement even where it names no state: a model, a
        signed date or a link (a total or a note under a list states none)."""
        return bool(self.model or self.signed or self.moa_url or self.addendum_url)

    @property
    def is_note(self) -> bool:
        """Whether the row, naming no state, is a note under the list: it gives no link
        and names no public body, whatever date or models it shows (``Last updated``
        beside a date, ``Legend`` beside the models)."""
        return not (self.moa_url or self.addendum_url) and not names_a_body(self.agency)

    @property
    def fullness(self) -> tuple[bool, bool, bool, bool, str]:
        """How much the row says of its agreement, to choose between two rows of one
        agreement: its MOA link, its addendum link, its county, a signed date, then the
        later date (a repeat with an earlier date is an older copy)."""
        return (
            self.moa_url is not None,
            self.addendum_url is not None,
            self.county is not None,
            self.signed is not None,
            self.signed.isoformat() if self.signed else "",
        )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["signed"] = self.signed.isoformat() if self.signed else None
        data["flags"] = list(self.flags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListingRow:
        values = dict(data)
        signed = values.get("signed")
        values["signed"] = date.fromisoformat(signed) if signed else None
        values["flags"] = tuple(values.get("flags") or ())
        return cls(**values)


@dataclass(frozen=True)
class ParsedListing:
    """A whole list as parsed from one file.

    ``kind`` is decided from the columns and contents, never from a file name.
    ``columns`` are the canonical names of the header cells found, in sheet order.
    ``other`` is the other list when the file holds both, each on its own sheet (a
    workbook of the participating and the pending list): which one a snapshot is, the
    file's claim decides (:meth:`as_claimed`). ``row_numbers`` are the rows' numbers in
    their sheet (1-based; the HTML table's data rows are numbered from 1), one per row;
    empty when unknown (each row is then named by its place in the list).
    """

    kind: ListKind
    rows: tuple[ListingRow, ...]
    columns: tuple[str, ...] = ()
    source_format: str = "xlsx"
    warnings: tuple[str, ...] = field(default=())
    other: ParsedListing | None = None
    row_numbers: tuple[int, ...] = ()

    def numbered(self) -> list[tuple[int, ListingRow]]:
        """Each row with its number in the sheet (its place in the list when unknown)."""
        numbers = self.row_numbers or range(1, len(self.rows) + 1)
        return list(zip(numbers, self.rows, strict=True))

    def as_claimed(self, claimed: str | None) -> ParsedListing:
        """The list the file is claimed to be, when it holds both; else this one (the
        quality gate then judges the claim against the contents)."""
        other = self.other
        return other if other is not None and claimed == other.kind != self.kind else self

    @property
    def newest_signed(self) -> date | None:
        dates = [r.signed for r in self.rows if r.signed and "signed_doubtful" not in r.flags]
        return max(dates) if dates else None
