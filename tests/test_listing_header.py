"""The header of an agency list, read in a sheet: the agency column named as the
agreement's party, the effective date as the signing, dates not read as it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import openpyxl
import pytest

from parsers.errors import ParseError
from parsers.listing_header import header_name, names_party, read_header_row
from parsers.records import ParsedListing
from parsers.xlsx_listing import parse_listing_xlsx

JEM, TFM, WSO = "Jail Enforcement Model", "Task Force Model", "Warrant Service Officer"
ROWS: list[list[object]] = [
    ["Texas", "Harris County Sheriff's Office", "County", JEM, date(2025, 1, 2)],
    ["Florida", "Hialeah Police Department", "Municipality", TFM, date(2025, 2, 3)],
    ["Ohio", "Butler County Sheriff's Office", "County", WSO, date(2025, 3, 4)],
]
HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED"]


def _parse(header: Sequence[object], rows: Sequence[Sequence[object]] = ROWS) -> ParsedListing:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "S"
    for values in [header, *rows]:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return parse_listing_xlsx(buffer.getvalue())


def _headed(column: int, text: str) -> list[str]:
    return [text if at == column else name for at, name in enumerate(HEADER)]


# --------------------------------------------------------------------------- the agency


@pytest.mark.parametrize(
    "text",
    ["Jurisdiction", "Jurisdiction Name", "Name of Jurisdiction", "Entity",
     "Participating Entity", "Organization", "Organisation Name"],
)  # fmt: skip
def test_a_list_naming_no_agency_column_names_its_agencies_under_their_party(text: str) -> None:
    """An agreement's party named by another word than an agency's is the AGENCY
    column of a list that names no other: the same rows as under ``LAW ENFORCEMENT
    AGENCY``, with a warning (it was rejected: no agency column)."""
    listing = _parse(_headed(1, text))
    assert listing.rows == _parse(HEADER).rows
    assert listing.columns == ("STATE", "AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED")
    assert (
        f"sheet 'S': column B {text.upper()!r} read as 'AGENCY': no column names the "
        "agency, and this one names each agreement's party"
    ) in listing.warnings


def test_beside_an_agency_column_a_jurisdiction_is_no_name() -> None:
    """``Jurisdiction`` beside an agency column is another of its columns (counties
    here, read so by its cells), never the agency's name."""
    rows = [[*row[:3], county, *row[3:]] for row, county in zip(ROWS, ["Harris County",
            "Miami-Dade County", "Butler County"], strict=True)]  # fmt: skip
    listing = _parse([*HEADER[:3], "JURISDICTION", *HEADER[3:]], rows)
    assert [row.agency for row in listing.rows] == [row[1] for row in ROWS]
    assert [row.county for row in listing.rows] == ["Harris County", "Miami-Dade County",
                                                    "Butler County"]  # fmt: skip


def test_two_columns_naming_a_party_name_no_agency_column() -> None:
    """Which of two names the agency the list does not say: no agency column."""
    header = ["STATE", "JURISDICTION", "ENTITY", "SUPPORT TYPE", "SIGNED"]
    assert "AGENCY" not in read_header_row(header).positions
    with pytest.raises(ParseError, match="no 287\\(g\\) agency list header"):
        _parse(header)


@pytest.mark.parametrize(
    "other", ["Sheriff / Police Department", "Participating Law Enforcement", "Participant"]
)
def test_a_party_column_beside_one_naming_an_agencys_kind_names_no_agency(other: str) -> None:
    """``Jurisdiction`` beside ``Sheriff / Police Department``: the other may hold the
    names and the jurisdiction the places (agencies were read as ``Harris County``:
    helper 69); which one names the agency the list does not say."""
    header = ["STATE", "JURISDICTION", other, "SUPPORT TYPE", "SIGNED"]
    assert "AGENCY" not in read_header_row(header).positions


@pytest.mark.parametrize(
    ("text", "party"),
    [("Jurisdiction (County)", True), ("Partner Entity", True), ("Jurisdiction Type", False),
     ("Entity Address", False), ("Jurisdiction Population", False), ("Harris County", False)],
)  # fmt: skip
def test_a_party_is_named_alone_or_with_name_words(text: str, party: bool) -> None:
    assert names_party(text.upper()) is party


# --------------------------------------------------------------------------- the dates


@pytest.mark.parametrize("text", ["Effective Date", "MOA Effective Date", "Date Effective"])
def test_an_effective_date_is_the_signing(text: str) -> None:
    """An MOA "becomes effective upon signature of both parties": the list's effective
    dates are its signings, the list one of agreements (it was read as the pending list,
    every signed date lost)."""
    listing = _parse(_headed(4, text))
    assert listing.kind == "participating"
    assert [row.signed for row in listing.rows] == [row[4] for row in ROWS]
    assert f"sheet 'S': column E {text.upper()!r} read as 'SIGNED' by its words" in (
        listing.warnings
    )


def test_a_column_naming_the_signing_beats_one_naming_the_effective_date() -> None:
    """Both read by their words, the signing's column is used, wherever it stands."""
    rows = [[*row, date(2025, 6, 1)] for row in ROWS]
    listing = _parse([*_headed(4, "Effective Date"), "MOA Signed Date"], rows)
    assert [row.signed for row in listing.rows] == [date(2025, 6, 1)] * 3
    assert (
        "sheet 'S': duplicate column 'SIGNED' (column E, 'EFFECTIVE DATE') ignored; "
        "column F ('MOA SIGNED DATE') used"
    ) in listing.warnings


@pytest.mark.parametrize(
    "text", ["Start Date", "Date Joined", "Date Added", "Expiration Date", "Last Updated Date"]
)
def test_a_date_of_another_event_is_never_the_signing_and_the_list_says_it_has_none(
    text: str,
) -> None:
    listing = _parse(_headed(4, text))
    assert header_name(text) is None
    assert all(row.signed is None for row in listing.rows)
    assert (
        f"sheet 'S': no SIGNED column: the dates of column E ({text.upper()!r}) are not "
        "read as the signing (their header names another event, or none)"
    ) in listing.warnings


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    "text",
    ["Signing Official", "Signed By", "Signed By:", "MOA Signed By", "MOA Signatory", "Signer",
     "Signer Name", "Name of Signing Official", "Signing Official Title", "Executed By"],
)  # fmt: skip
def test_a_header_naming_a_person_names_no_date_column(text: str) -> None:
    """Who signed, not when: a header whose head noun names a person (``Signing
    Official``, ``MOA Signatory``) or its name or title, or that ends in BY (``Signed
    By``: its cells are the signer), holds people's names; read as SIGNED, every name
    was a date not read and the list one of agreements by a column of names."""
    assert header_name(text) is None
    people = [[*row[:4], name] for row, name in zip(ROWS, ["A. Gonzalez", "J. Smith",
              "R. Jones"], strict=True)]  # fmt: skip
    listing = _parse(_headed(4, text), people)
    assert "SIGNED" not in listing.columns
    assert all(row.signed_raw is None for row in listing.rows)


@pytest.mark.parametrize(
    "text", ["Date Signed By", "Date Signed by ICE", "Signing Official Date", "Signatory Agency"]
)
def test_a_date_or_an_agency_beside_a_person_keeps_its_column(text: str) -> None:
    """A DATE word names the signing's date whoever signed; a signatory agency is the
    agency."""
    assert header_name(text) == ("AGENCY" if text == "Signatory Agency" else "SIGNED")


def test_the_contact_words_are_vetoed_and_exported() -> None:
    """How to reach an agency is no column of agreements: the words are one set, for the
    HTML reader's directories too."""
    from parsers.listing_header import CONTACT_WORDS, VETO_WORDS

    assert {"CONTACT", "POC", "PHONE", "EMAIL", "FAX", "ADDRESS"} <= CONTACT_WORDS <= VETO_WORDS
    assert header_name("Agency POC") is None
    assert header_name("Phones") is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Date Signed by ERO", "SIGNED"),
        ("Date Signed by Sheriff", "SIGNED"),
        ("Signed by ERO", None),
    ],
)
def test_a_signings_date_is_named_whoever_signed(text: str, name: str | None) -> None:
    """A header naming a signing and a date names the SIGNED column whoever signed it:
    the veto of a field office's or an agency's word (``ERO``, ``Sheriff``) read every
    date as none and the list as the pending one (helper 69); without a date word it
    still names a person, no column."""
    assert header_name(text) == name
