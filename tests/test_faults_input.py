"""Input faults: odd file names, broken or ambiguous manifests, impossible dates,
implausible SIGNED cells and parser warnings. Each is one clear line; the rest of the
import goes on; nothing is misdated."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers import dates, normalize
from parsers.dates import PLAUSIBLE_YEARS, parse_date
from parsers.detect import parse_listing
from tests.conftest import Cli
from tests.hostile import listing_xlsx

ROW = ("TX", "Alpha County Sheriff", "Sheriff", "Jail Enforcement Model", "01/02/2025", None)


def _sheet(path: Path, agencies: tuple[str, ...] = ("Alpha County Sheriff",)) -> Path:
    rows = [("TX", a, "Sheriff", "Jail Enforcement Model", "01/02/2025", None) for a in agencies]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(listing_xlsx(rows))
    return path


def _snapshots(cli: Cli) -> list[dict[str, object]]:
    return json.loads(cli("snapshots", "--format", "json").stdout)


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_imported(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    _sheet(folder / "participatingAgencies-20250301120000.xlsx")
    bad = os.fsencode(folder) + b"/pendingAgencies-20250302120000-\xff.xlsx"
    with open(bad, "wb") as handle:
        handle.write(listing_xlsx([ROW]))
    result = sqlite_cli("import", str(folder))
    assert "not valid UTF-8" in result.stderr and "\ufffd" in result.stderr
    assert "1 files archived" in result.stdout and "1 skipped" in result.stdout


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("file,observed_at\nonly-one-field\n", "line 2: 1 field(s)"),
        ('file,observed_at\n"a.xlsx,2025-03-01T00:00:00Z\n', "line 2"),
        ("file,observed_at\na.xlsx,2025-03-01T00:00:00Z,extra\n", "line 2: 3 field(s)"),
        ("file,observed_at\na.xlsx,0001-01-01T00:00:00Z\n", "line 2: observed_at 0001-01-01"),
        ("file,observed_at\na.xlsx,2999-01-01T00:00:00Z\n", "in the future"),
    ],
)
def test_a_malformed_manifest_row_is_one_line_naming_the_row(
    sqlite_cli: Cli, tmp_path: Path, text: str, says: str
) -> None:
    manifest = tmp_path / "observed.csv"
    manifest.write_text(text, encoding="utf-8")
    sheet = _sheet(tmp_path / "a.xlsx")
    result = sqlite_cli("import", str(sheet), "--manifest", str(manifest), expect=2)
    assert result.stderr.startswith("ice287g: error: ") and result.stderr.count("\n") == 1
    assert says in result.stderr and "internal error" not in result.stderr


def test_two_files_of_one_name_in_two_folders_get_their_own_manifest_dates(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    first = _sheet(tmp_path / "march" / "pendingAgencies.xlsx", ("Alpha County Sheriff",))
    second = _sheet(tmp_path / "april" / "pendingAgencies.xlsx", ("Beta County Sheriff",))
    manifest = tmp_path / "observed.csv"
    manifest.write_text(
        "file,observed_at\n"
        "march/pendingAgencies.xlsx,2025-03-01T12:00:00Z\n"
        "april/pendingAgencies.xlsx,2025-04-01T12:00:00Z\n",
        encoding="utf-8",
    )
    sqlite_cli("import", str(first), str(second), "--manifest", str(manifest))
    dates = sorted(str(s["observed_at"]) for s in _snapshots(sqlite_cli))
    assert dates == ["2025-03-01T12:00:00Z", "2025-04-01T12:00:00Z"]


def test_a_manifest_row_that_could_mean_two_files_dates_neither(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    first = _sheet(tmp_path / "march" / "pendingAgencies.xlsx", ("Alpha County Sheriff",))
    second = _sheet(tmp_path / "april" / "pendingAgencies.xlsx", ("Beta County Sheriff",))
    manifest = tmp_path / "elsewhere" / "observed.csv"
    manifest.parent.mkdir()
    manifest.write_text("file,observed_at\npendingAgencies.xlsx,2025-03-01T12:00:00Z\n")
    result = sqlite_cli("import", str(first), str(second), "--manifest", str(manifest), expect=1)
    assert result.stderr.count("without a path that tells which file") == 2
    assert _snapshots(sqlite_cli) == []


def test_a_manifest_row_by_name_alone_still_dates_the_one_file_so_named(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    sheet = _sheet(tmp_path / "in" / "pendingAgencies.xlsx")
    manifest = tmp_path / "elsewhere" / "observed.csv"
    manifest.parent.mkdir()
    manifest.write_text("file,observed_at\npendingAgencies.xlsx,2025-03-01T12:00:00Z\n")
    sqlite_cli("import", str(sheet), "--manifest", str(manifest))
    assert [s["observed_at"] for s in _snapshots(sqlite_cli)] == ["2025-03-01T12:00:00Z"]


@pytest.mark.parametrize("moment", ["0001-01-01", "1999-12-31T23:00:00Z", "2999-01-01"])
def test_an_observed_time_before_2000_or_in_the_future_is_refused(
    sqlite_cli: Cli, tmp_path: Path, moment: str
) -> None:
    sheet = _sheet(tmp_path / "a.xlsx")
    result = sqlite_cli("import", str(sheet), "--observed-at", moment, expect=2)
    assert result.stderr.startswith("ice287g: error: --observed-at")
    assert not (sqlite_cli.snapshots / "manifest.jsonl").exists()


def test_a_file_name_dated_before_2000_is_skipped(sqlite_cli: Cli, tmp_path: Path) -> None:
    sheet = _sheet(tmp_path / "participatingAgencies-19990301120000.xlsx")
    result = sqlite_cli("import", str(sheet), expect=1)
    assert "before 2000" in result.stderr and "1 skipped" in result.stdout


@pytest.mark.parametrize("cell", ["01/01/0001", 2958465, "2958465", "12/31/9999", "0001-01-01"])
def test_a_signed_date_outside_plausible_years_is_kept_raw_and_flagged(cell: object) -> None:
    rows = [("TX", "Alpha County Sheriff", "Sheriff", "Jail Enforcement Model", cell, None)]
    listing = parse_listing(listing_xlsx(rows), "participatingAgencies.xlsx")
    row = listing.rows[0]
    assert row.signed is None
    assert row.signed_raw and "signed_unparsed" in row.flags


def test_two_digit_years_are_still_read() -> None:
    assert parse_date("1/2/25") == (date(2025, 1, 2), ())
    assert parse_date("01/02/2025") == (date(2025, 1, 2), ())


@pytest.mark.parametrize("cell", ["20250102", 20250102, 20250102.0, " 20250102 "])
def test_eight_digits_are_a_date_in_iso_basic_form(cell: object) -> None:
    """``20250102`` is ISO 8601's basic form; no Excel serial is that large (2958465 is
    9999-12-31), so an eight-digit number is one too. Not a date, it stays unread."""
    assert parse_date(cell) == (date(2025, 1, 2), ())
    assert parse_date("20251302") == (None, ("signed_unparsed",))


@pytest.mark.parametrize("cell", ["08052025", 8052025, "8052025", " 08052025 ", 8052025.0])
def test_eight_digits_not_year_first_are_a_date_month_first_as_ice_names_its_files(
    cell: object,
) -> None:
    """``08052025`` is 5 August 2025 as ICE writes dates in its files' names (MMDDYYYY),
    and ``8052025`` the same number with its leading zero lost (they were unread: every
    signed date of such a list lost). Year first wins where both could be read (none
    within the plausible years: no month 19 or 20); day first in a day-first column."""
    assert parse_date(cell) == (date(2025, 8, 5), ())
    assert parse_date("12312024") == (date(2024, 12, 31), ())
    assert parse_date("25062025", day_first=True) == (date(2025, 6, 25), ())
    assert parse_date("13312024") == (None, ("signed_unparsed",))
    # a number is a serial first: a typo year's serial stays its date (5026-10-01 was
    # read as 14 January 2023, a false change: helper 54)
    assert parse_date(1142023) == (date(2026, 10, 1), ("signed_repaired",))


def test_repeated_rows_that_disagree_reach_the_user_as_a_warning(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    rows = [ROW, (*ROW[:4], "06/30/2024", None)]
    sheet = tmp_path / "participatingAgencies.xlsx"
    sheet.write_bytes(listing_xlsx(rows))
    result = sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01T12:00:00Z")
    warning = [line for line in result.stderr.splitlines() if "repeats row 2" in line]
    assert len(warning) == 1 and warning[0].startswith("warning participatingAgencies.xlsx")
    assert "another signed date (2024-06-30, not 2025-01-02)" in warning[0]


def test_a_file_of_thousands_of_unreadable_rows_says_so_in_a_hundred_and_one_lines(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """Each row that reads as no agreement is a warning; a hostile file of 200,000 gave
    200,000 lines of output (stored and published too). A list keeps its first hundred
    and counts the rest."""
    lines = ["STATE,LAW ENFORCEMENT AGENCY,SUPPORT TYPE,SIGNED,MOA"]
    lines += ["TX,Alpha Police Department,Jail Enforcement Model,01/02/2025,"]
    lines += [f"TX,{n}" for n in range(2_000)]
    sheet = tmp_path / "participatingAgencies.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    listing = parse_listing(sheet.read_bytes(), sheet.name)
    assert len(listing.rows) == 1 and len(listing.warnings) == 101
    assert listing.warnings[0].startswith("sheet 'CSV': row 3 skipped")
    assert listing.warnings[-1] == "1,900 more warnings not shown"
    result = sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01T12:00:00Z")
    assert len([line for line in result.stderr.splitlines() if line.startswith("warning")]) == 101


def test_the_warning_of_a_repeated_row_names_the_row_the_history_keeps(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    """Of two rows of one agreement, the history keeps the fuller, else the later date
    (``ListingRow.fullness``); the warning names that row, not the first."""
    rows = [(*ROW[:4], "06/30/2024", None), ROW]
    sheet = tmp_path / "participatingAgencies.xlsx"
    sheet.write_bytes(listing_xlsx(rows))
    result = sqlite_cli("import", str(sheet), "--observed-at", "2025-03-01T12:00:00Z")
    assert "with another signed date (2025-01-02, not 2024-06-30); row 3's is kept" in result.stderr
    events = json.loads(sqlite_cli("changes", "--format", "json").stdout)
    assert {event["effective_date"] for event in events} == {"2025-01-02"}


@given(
    st.one_of(
        st.integers(min_value=-10, max_value=3_000_000),
        st.from_regex(r"\d{1,2}/\d{1,2}/\d{1,4}", fullmatch=True),
        st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}", fullmatch=True),
    )
)
def test_no_signed_date_is_ever_read_outside_the_plausible_years(cell: object) -> None:
    signed, flags = parse_date(cell)
    if signed is None:
        return
    assert PLAUSIBLE_YEARS[0] <= signed.year <= PLAUSIBLE_YEARS[1]
    if isinstance(cell, str) and len(cell.rsplit("/", 1)[-1]) in (3, 4) and "/" in cell:
        year = int(cell.rsplit("/", 1)[-1])
        assert year == signed.year or "signed_repaired" in flags


# Text patterns, written the way they were before each was made to read hostile text in
# linear time: the oracles the rewritten patterns must agree with (on short texts, which
# these read quickly; on a long hostile name they took seconds, or without end).
_SLOW_PATTERNS = {
    "closing aside": (re.compile(r"^(.*?\w.*?)\s*[(\[]([^()\[\]]*)[)\]]\W*$"), "match"),
    "acronym": (re.compile(r"[A-Z](?:\.?\s?&?\s?[A-Z])+\.?"), "fullmatch"),
    "trailing aside": (
        re.compile(r"^(\S.*)\s*(?:\s[-\u2013\u2014|:]\s*|,\s*|[(\[]\s*)([^()\[\]]+?)\s*[)\]]?\s*$"),
        "match",
    ),
}
_FAST_PATTERNS = {
    "closing aside": normalize._CLOSING_ASIDE,
    "acronym": normalize._ACRONYM,
    "trailing aside": normalize._TRAILING_ASIDE,
}
_NAME_TEXT = st.text(alphabet="aZ1 _.(,)[]-&:'\t\n\u00e9", max_size=24)


@pytest.mark.parametrize("name", sorted(_SLOW_PATTERNS))
@given(text=_NAME_TEXT)
def test_a_name_pattern_reads_as_it_did_before_it_was_made_linear(name: str, text: str) -> None:
    slow, method = _SLOW_PATTERNS[name]
    before, after = getattr(slow, method)(text), getattr(_FAST_PATTERNS[name], method)(text)
    assert (before and before.groups()) == (after and after.groups())


@given(text=st.text(alphabet=" \t*\u00b9\u2020a.", max_size=24))
def test_footnote_marks_are_taken_off_as_before_from_the_start_of_their_run(text: str) -> None:
    slow = re.compile(f"[\\s{normalize.FOOTNOTE_SYMBOLS}\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+$")
    assert normalize.without_footnote_marks(text) == slow.sub("", text)


@pytest.mark.parametrize(
    "agency",
    [
        "Office (" + "A " * 40 + "a)",  # an aside of capitals that is no acronym: exponential
        "Harris County Sheriff's Office " + "A" * 30_000,  # one long word: quadratic
        "Alpha Police Department, " * 1_200 + "(x",  # separators without end
        "Alpha Police Department" + "*" * 30_000,  # footnote marks without end
    ],
    ids=["acronym-like-aside", "long-word", "many-separators", "many-marks"],
)
def test_a_hostile_agency_name_is_read_in_linear_time(agency: str) -> None:
    """Each name took seconds or minutes (the first, longer than a day) to key: the
    list is read, the name kept as written (footnote marks aside)."""
    rows = [("TX", agency, "Sheriff", "Jail Enforcement Model", "01/02/2025", None)]
    (row,) = parse_listing(listing_xlsx(rows), "participatingAgencies.xlsx").rows
    assert row.agency.startswith(agency[:20]) and row.agency_key


_SLOW_SIGNING_WORD = re.compile(r"\b(?:sign|signed|signing|signature|executed)\W*$", re.I)
_DATE_TEXT_PIECES = (
    *("signed ", "Signed: ", "sign", "signs ", "signature-", "executed ", "resigned "),
    *("amended ", "1/2/2023", "6/9/2020", "Aug 5, 2025", "2025-01-02", " ", ",", "(", "x", "_"),
)


def _slow_date_among_words(text: str) -> tuple[date | None, tuple[str, ...]] | None:
    """``parsers.dates._date_among_words`` as it was: the signing word searched for again
    in all the text before each date."""
    found_dates = []
    for match in dates._DATE_IN_TEXT.finditer(text):
        found, flags = dates._whole_date_text(match[0], day_first=False)
        if found is not None:
            signing = bool(_SLOW_SIGNING_WORD.search(text[: match.start()]))
            found_dates.append((signing, found, flags))
    if not found_dates:
        return None
    _, found, flags = next((d for d in found_dates if d[0]), found_dates[0])
    return found, (*flags, "signed_in_text")


@given(st.lists(st.sampled_from(_DATE_TEXT_PIECES), max_size=7).map("".join))
def test_the_date_after_a_signing_word_is_found_as_before_it_was_made_linear(text: str) -> None:
    assert dates._date_among_words(text, day_first=False) == _slow_date_among_words(text)


def test_a_signed_cell_of_thousands_of_dates_is_read_in_linear_time() -> None:
    """A cell of 3,500 dates (31,500 characters) took 3.3 s to read: the time grew with
    the square of its length, and each cell of a sheet may be one."""
    text = "Amended 1/2/2023 " * 1_800 + "signed 6/9/2020"
    assert parse_date(text) == (date(2020, 6, 9), ("signed_in_text",))
