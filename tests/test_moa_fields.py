"""Properties of MOA documents the field readers rely on, on hand-made snippets and
tiny generated PDFs (not on particular corpus files)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.moa import find_date, parse_moa, strict_date
from parsers.moa.offices import OFFICE_WORDS, PLACE_WORDS, mend_office_words
from parsers.moa.signatures import TITLE_WORDS, name_above_title, split_titled_name
from parsers.moa.text import Line, Word
from parsers.ocr import OcrWord
from parsers.states import STATES
from tests.test_moa_parser import (
    FILLER,
    NO_BLOCKS,
    NOTARY,
    FakeOcr,
    Placed,
    make_pdf,
    moa_pages,
    ocr_words,
)


@pytest.mark.parametrize("text", ["March, 10, 2025", "March 10, 2025", "March 10 2025"])
def test_a_typed_month_name_date_reads_with_or_without_commas(text: str) -> None:
    assert find_date(text)[0] == date(2025, 3, 10)
    assert strict_date(text)[0] == date(2025, 3, 10)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sheriff Jack Brandes", ("Sheriff", "Jack Brandes")),
        ("Chief Deputy John A. Smith", ("Chief Deputy", "John A. Smith")),
        ("Acting Director Todd M. Lyons", ("Acting Director", "Todd M. Lyons")),
        ("Sheriff", None),
        ("Sheriff's Office", None),
        ("Sheriff Test County Sheriff's Office", None),
        ("Director Enforcement and Removal Operations", None),
        ("Jack Brandes", None),
    ],
)
def test_an_office_typed_before_a_name_is_not_part_of_the_name(
    line: str, expected: tuple[str, str] | None
) -> None:
    assert split_titled_name(line) == expected


def test_a_signer_named_with_his_office_gets_the_name_alone() -> None:
    pages = [
        [(x, y, "Sheriff Jack Brandes" if text == "Jane Q. Public" else text) for x, y, text in p]
        for p in moa_pages()
    ]
    agency = parse_moa(make_pdf(pages), "x.pdf").signatures[0]
    assert (agency.party, agency.name, agency.title) == ("agency", "Jack Brandes", "Sheriff")


PARTIES_START = "This Memorandum of Agreement (MOA) constitutes an agreement between U.S."
PARTIES_ICE = "Immigration and Customs Enforcement (ICE), a component of the Department of"
PARTIES_AFTER = '(hereinafter "LEA"), pursuant to which ICE delegates to nominated personnel.'


def with_parties(lines: list[Placed]) -> list[list[Placed]]:
    """The generated MOA with its Parties paragraph replaced by ``lines`` (up to eight;
    the paragraphs below it moved down to make room)."""
    first, second = moa_pages()
    above = [item for item in first if item[1] > 690]
    below = [(x, y - 80 if y > 100 else y, t) for x, y, t in first if y < 640]
    head = [(72.0, 685.0, PARTIES_START), (72.0, 673.0, PARTIES_ICE)]
    return [[*above, *head, *lines, *below], second]


def test_a_party_typed_into_a_form_field_is_read_where_it_stands() -> None:
    """The name is drawn after the paragraph (a filled-in field): the text layer gives
    it after the clause, the page shows it inside."""
    lines = [
        (72, 661, "Homeland Security (DHS), and the"),
        (72, 649, PARTIES_AFTER),
        (240, 661, "Division of the Florida State Guard"),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert record.agency == "Division of the Florida State Guard"


def test_a_party_named_as_a_division_of_a_state_is_the_division_in_that_state() -> None:
    lines = [
        (72, 661, "Homeland Security (DHS), and the State of Florida, Division of the Florida"),
        (72, 649, "State Guard " + PARTIES_AFTER),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert (record.agency, record.state) == ("Division of the Florida State Guard", "FL")


def test_the_clause_after_a_party_is_never_taken_for_its_name() -> None:
    lines = [
        (72, 661, "Homeland Security (DHS), and the"),
        (72, 649, "pursuant to which ICE delegated to the Sheriff's Office personnel."),
    ]
    record = parse_moa(make_pdf(with_parties(lines)), "x.pdf")
    assert record.agency == "Test County Sheriff's Office"  # from the page footers


AGENCIES = (
    "Division of the Florida State Guard",
    "Lee County Sheriff's Office",
    "Kansas Bureau of Investigation",
    "City of Warren Police Department",
    "Oklahoma Department of Public Safety",
)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(AGENCIES), st.lists(st.integers(min_value=1, max_value=30), max_size=5))
def test_the_party_is_found_whatever_the_line_breaks(agency: str, breaks: list[int]) -> None:
    words = f"Homeland Security (DHS), and the {agency} {PARTIES_AFTER}".split()
    cuts = [0, *sorted({b % len(words) for b in breaks} - {0}), len(words)]
    lines = [
        (72.0, 661.0 - 12 * i, " ".join(words[a:b]))
        for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))
    ]
    pages = [  # no footers naming an agency: the clause alone names it
        [(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in page]
        for page in with_parties(lines)
    ]
    assert parse_moa(make_pdf(pages), "x.pdf").agency == agency


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lee County Sherifrs Office", "Lee County Sheriffs Office"),
        ("Lee Countv Sherifrs Offce", "Lee County Sheriffs Office"),
        ("Florida Departrnent of Corrections", "Florida Department of Corrections"),
        ("Kansas Bureau of lnvestigation", "Kansas Bureau of Investigation"),
        ("LEE COUNTY SHERIFRS OFFICE", "LEE COUNTY SHERIFFS OFFICE"),
        ("Marshall County Sheriff's Office", "Marshall County Sheriff's Office"),  # a place
        ("Marshall Police Department", "Marshall Police Department"),
        ("City of Warren Police Departrnent", "City of Warren Police Department"),
        ("Correctional Facility", "Correctional Facility"),  # an office word itself
        ("Parrish Police Department", "Parrish Police Department"),  # a town, not Parish
        ("Country Club Hills Police Departrnent", "Country Club Hills Police Department"),
    ],
)
def test_office_words_misread_by_a_letter_or_two_are_mended_and_places_kept(
    name: str, expected: str
) -> None:
    assert mend_office_words(name) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sherifr", "Sheriff"),
        ("Cheif Deputy", "Chief Deputy"),
        ("Acting Directer", "Acting Director"),
        ("Sheriff, Marshall County", "Sheriff, Marshall County"),
        ("Warden", "Warden"),
    ],
)
def test_a_title_is_mended_from_office_words(title: str, expected: str) -> None:
    assert mend_office_words(title, first_is_place=False) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(w for w in OFFICE_WORDS if len(w) >= 5)),
    st.integers(min_value=1, max_value=20),
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
)
def test_one_slip_in_an_office_word_mends_back_or_stays_never_another_word(
    word: str, position: int, letter: str
) -> None:
    slipped = word[: position % len(word)] + letter + word[position % len(word) + 1 :]
    assert mend_office_words(slipped, first_is_place=False) in (word, slipped)
    assert mend_office_words(word, first_is_place=False) == word


def test_an_agency_and_a_title_misread_in_office_words_are_read_right() -> None:
    misread = "Lee County Sherifrs Office"
    pages = [
        [(x, y, t.replace("Test County Sheriff's Office", misread)) for x, y, t in page]
        for page in moa_pages()
    ]
    pages[1] = [(x, y, "Sherifr" if t == "Sheriff" else t) for x, y, t in pages[1]]
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert record.agency == "Lee County Sheriff's Office"
    assert record.signatures[0].title == "Sheriff"


def without_state() -> list[list[Placed]]:
    """The generated MOA with the state named nowhere (not in the Parties clause)."""
    return [[(x, y, t.replace("Office, TX,", "Office,")) for x, y, t in p] for p in moa_pages()]


@pytest.mark.parametrize(
    "letterhead",
    ["STATE OF TEXAS", "Test County Sheriff's Office", "100 Main Street, Testville, TX 75001"],
)
def test_the_state_named_only_by_the_letterhead(letterhead: str) -> None:
    first, second = without_state()
    lines = [(200.0, 770.0, "Test County Sheriff's Office"), (200.0, 758.0, letterhead)]
    record = parse_moa(make_pdf([[*lines, *first], second]), "x.pdf")
    assert record.state == (None if letterhead.startswith("Test") else "TX")


@pytest.mark.parametrize(
    ("agency_line", "expected"),
    [
        ("Test County Sheriff's Office, Texas", "TX"),
        ("Test County Sheriff's Office, TX", "TX"),
        ("Test County Sheriff's Office", None),
    ],
)
def test_the_state_named_only_by_the_signature_block(
    agency_line: str, expected: str | None
) -> None:
    first, second = without_state()
    second = [
        (x, y, agency_line if t == "Test County Sheriff's Office" else t) for x, y, t in second
    ]
    second = [(x, y, "Virginia Smith" if t == "Jane Q. Public" else t) for x, y, t in second]
    record = parse_moa(make_pdf([first, second]), "x.pdf")
    assert record.signatures[0].name == "Virginia Smith"  # a person, not a state
    assert record.state == expected


def unlabelled_signature_page(agency_name: str, agency_title: list[str]) -> list[list[Placed]]:
    """The generated MOA with a 2019-style signature page: no labels, ICE on the left,
    the agency on the right, each a signature line, the name, the title lines."""
    first, second = moa_pages()
    body = [item for item in second if item[1] >= 640]
    ice = ["Timothy S. Robbins", "Acting Executive Associate Director", "Enforcement and Removal"]
    blocks: list[Placed] = [(72, 600, "Date: 04/02/2025"), (330, 600, "Date: 03/26/2025")]
    blocks += [(72, 560, "________________________"), (330, 560, "________________________")]
    blocks += [(72, 546 - 12 * i, text) for i, text in enumerate(ice)]
    if agency_name:
        blocks.append((330, 546, agency_name))
    blocks += [(330, 534 - 12 * i, text) for i, text in enumerate(agency_title)]
    return [first, [*body, *blocks, second[-1]]]


@pytest.mark.parametrize(
    ("name_line", "title_lines", "name", "title"),
    [
        ("Jack A. Brandes", ["Sheriff, Test County"], "Jack A. Brandes", "Sheriff, Test County"),
        ("~ Jack A. Brandes |", ["Sheriff"], "Jack A. Brandes", "Sheriff"),
        ("JACK A. BRANDES, JR.", ["Sheriff"], "Jack A. Brandes Jr.", "Sheriff"),
        ("Phillip Burnett Jr.", ["Sheriff"], "Phillip Burnett Jr.", "Sheriff"),
        ("Juan de la Cruz", ["Chief of Police"], "Juan de la Cruz", "Chief of Police"),
        ("", ["Jack Brandes, Sheriff"], "Jack Brandes", "Sheriff"),
        ("", ["Sheriff Jack Brandes"], "Jack Brandes", "Sheriff"),
        ("", ["Sheriff, Test County"], None, "Sheriff, Test County"),
        ("-~ //.: ~", ["Sheriff"], None, "Sheriff"),
        ("Jlm Rrsd", ["Sheriff"], None, "Sheriff"),  # a stroke read as letters
    ],
)
def test_a_signer_is_the_name_above_the_title_line(
    name_line: str, title_lines: list[str], name: str | None, title: str
) -> None:
    record = parse_moa(make_pdf(unlabelled_signature_page(name_line, title_lines)), "x.pdf")
    agency, ice = record.signatures
    assert (agency.party, agency.name, agency.title) == ("agency", name, title)
    assert (ice.name, ice.date) == ("Timothy S. Robbins", date(2025, 4, 2))


def agency_only_in_the_image() -> tuple[list[list[Placed]], list[list[Placed]]]:
    """The generated MOA whose text layer lacks the agency's name (in the Parties clause
    and the footers: an image there), and what OCR sees on its first two pages."""
    seen = moa_pages()
    layer = [
        [(x, y, t.replace("Test County Sheriff's Office", "")) for x, y, t in page] for page in seen
    ]
    return layer, seen


def test_an_agency_only_the_page_image_shows_is_read_by_ocr() -> None:
    layer, seen = agency_only_in_the_image()
    engine = FakeOcr(pages=seen)
    record = parse_moa(make_pdf(layer), "x.pdf", None, engine)
    assert engine.calls == [(2, False)]  # the first two pages, once
    assert (record.agency, record.state, record.ocr_pages) == (
        "Test County Sheriff's Office",
        "TX",
        (1, 2),
    )
    assert record.has_text_layer and record.error is None
    assert parse_moa(make_pdf(layer), "x.pdf").agency is None  # without OCR: not guessed


def test_an_agency_the_text_layer_names_is_not_read_again_by_ocr() -> None:
    engine = FakeOcr(pages=[])
    record = parse_moa(make_pdf(moa_pages()), "x.pdf", None, engine)
    assert engine.calls == [] and record.agency == "Test County Sheriff's Office"


@pytest.mark.parametrize(
    "clause",
    [
        "between U.S. Immigration and Customs Enforcement (ICE) and the Lee County Sheriff's"
        ' Office (hereinafter "LEA").',
        "between the Department of Homeland Security (DHS), and Lee County Sheriff's Office,"
        " a political subdivision of the State of Florida, pursuant to which ICE delegates.",
    ],
)
def test_the_party_after_ice_in_any_wording_of_the_clause(clause: str) -> None:
    words = ("This Memorandum of Agreement constitutes an agreement " + clause).split()
    lines = [(72.0, 661.0 - 12 * i, " ".join(words[i * 8 : i * 8 + 8])) for i in range(5)]
    pages = [  # no footers naming the agency: the clause alone names it
        [(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in page if not 670 < y < 690]
        for page in with_parties(lines)
    ]
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert record.agency == "Lee County Sheriff's Office"


def test_an_agency_named_only_in_its_signature_block_is_read_from_there() -> None:
    layer, _seen = agency_only_in_the_image()
    layer[1] = [
        (x, y, "Lee County Sheriff's Office, Florida" if (x, y) == (120, 482) else t)
        for x, y, t in layer[1]
    ]
    record = parse_moa(make_pdf(layer), "x.pdf")
    assert (record.agency, record.state) == ("Lee County Sheriff's Office", "FL")


def placed_line(text: str, top: float) -> Line:
    words, left = [], 330.0
    for word in text.split():
        words.append(Word(word, left, left + 5 * len(word), top, top + 10))
        left += 5 * len(word) + 4
    return Line(tuple(words))


SURNAMES = st.from_regex(
    r"[A-Z][a-z]{0,3}[aeiou][a-z]{1,5}(?:-[A-Z][aeiou][a-z]{1,5})?", fullmatch=True
)
INITIALS = st.from_regex(r"[A-Z]\.", fullmatch=True)
NOISE = st.sampled_from(["~", "|", "/", "-~", "__", "=", "."])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(SURNAMES | INITIALS, min_size=1, max_size=2),
    SURNAMES,
    st.lists(NOISE, max_size=2),
    st.lists(NOISE, max_size=2),
    st.sampled_from(["Sheriff", "Chief of Police", "Acting Director", "Undersheriff"]),
)
def test_the_name_above_a_title_line_is_read_whatever_noise_surrounds_it(
    given_names: list[str], surname: str, before: list[str], after: list[str], title: str
) -> None:
    name = " ".join([*given_names, surname])
    offices = OFFICE_WORDS | PLACE_WORDS
    if not given_names[0][1:].islower() or TITLE_WORDS.search(name) or offices & {*name.split()}:
        return  # a name starts with a given name and holds no office or place word
    lines = [
        placed_line("________________", 500),
        placed_line(" ".join([*before, name, *after]), 514),
        placed_line(title, 528),
    ]
    assert name_above_title(lines) == name


@pytest.mark.parametrize("name", ["Dale Evans", "Nate Smith", "Dae Kim", "Nam Tran", "Dane Cook"])
def test_a_given_name_like_a_label_above_a_title_is_a_name_not_a_label(name: str) -> None:
    # ``Dale`` reads like an OCR'd ``Date``, ``Nam`` like ``Name``: a label is marked
    lines = [placed_line("________________", 500), placed_line(name, 514)]
    assert name_above_title([*lines, placed_line("Sheriff", 528)]) == name


@pytest.mark.parametrize(
    ("line", "name"),
    [("Dale: 03/05/2020", None), ("Nane ____", None), ("Nme: Jon Doe", "Jon Doe")],
)
def test_a_label_read_by_its_likeness_is_one_when_marked_as_a_label(
    line: str, name: str | None
) -> None:
    # ``Dale:`` and ``Nane ____`` are labels with no name, ``Nme:`` one with its value
    lines = [placed_line(line, 514), placed_line("Sheriff", 528)]
    assert name_above_title(lines) == name


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(n for n, code in STATES.items() if code != "DC")))
def test_a_state_the_letterhead_names_is_the_agency_state(state: str) -> None:
    first, second = without_state()
    letterhead = [(200.0, 770.0, "Office of the Sheriff"), (200.0, 758.0, f"STATE OF {state}")]
    record = parse_moa(make_pdf([[*letterhead, *first], second]), "x.pdf")
    assert record.state == STATES[state]


SIGNING = [
    (72, 660, "By signing this MOA, each party represents it is fully authorized to"),
    (72, 648, "enter into this MOA, and agrees to be bound to the fullest extent allowed by law."),
]
ICE_BLOCK = [
    (72, 560, "C.M. Cronen"),
    (72, 548, "Assistant Director, Enforcement"),
    (72, 536, "U.S. Immigration and Customs Enforcement"),
]
AGENCY_COLUMN = [(20, 560, "Scott A. Adams"), (20, 548, "Sheriff"), (20, 536, "Test County")]


@dataclass
class ColumnOcr:
    """An engine whose page reading loses the agency's column (beside a signature
    stroke), but which reads each column crop as lines."""

    page: Sequence[Placed]
    columns: Sequence[Sequence[Placed]]
    dpi: int = 72
    version: str = "fake-columns"
    calls: list[tuple[int, bool]] = dc_field(default_factory=list)

    def read(self, images: Sequence[bytes], single_block: bool = False) -> list[list[OcrWord]]:
        self.calls.append((len(images), single_block))
        if not single_block:
            return [ocr_words(self.page)]
        top = 792 - 648 + 2  # the crops start below the signing paragraph's last line
        return [ocr_words(column, 792 - top) for column in self.columns]


def test_a_signer_column_a_scan_reading_loses_is_read_from_its_own_crop() -> None:
    first, _second = moa_pages()
    layer = [*SIGNING, *ICE_BLOCK]  # the scan's own text layer lost the agency column
    engine = ColumnOcr(page=layer, columns=[ICE_BLOCK, AGENCY_COLUMN])
    record = parse_moa(make_pdf([first, layer], scan=True), "x.pdf", None, engine)
    assert engine.calls == [(1, False), (2, True)]
    agency, ice = record.signatures
    assert (agency.party, agency.name, agency.title) == ("agency", "Scott A. Adams", "Sheriff")
    assert (ice.party, ice.name, ice.title) == (
        "ice",
        "C.M. Cronen",
        "Assistant Director, Enforcement",
    )


def test_a_county_named_lea_is_a_place_not_the_clause() -> None:
    pages = [
        [
            (x, y, t.replace("Test County Sheriff's Office, TX", "Lea County Sheriff's Office, NM"))
            for x, y, t in page
        ]
        for page in moa_pages()
    ]
    pages = [[(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in p] for p in pages]
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert (record.agency, record.state) == ("Lea County Sheriff's Office", "NM")


def test_a_word_s_period_survives_its_mending_from_the_document_s_spellings() -> None:
    """The document's vocabulary counts words without their periods: ``St. Tammany``
    was mended to ``St Tammany`` (the vocabulary's ``St``); a slip is still mended."""
    from collections import Counter

    from parsers.moa.fields import _repair_words

    vocabulary = Counter(
        {"St": 9, "Tammany": 9, "Parish": 9, "Sheriff's": 9, "Office": 9, "County": 9}
    )
    assert _repair_words("St. Tammany Parish Sheriff's Office", vocabulary) == (
        "St. Tammany Parish Sheriff's Office"
    )
    assert _repair_words("St. Tammanv Parish", vocabulary) == "St. Tammany Parish"


@pytest.mark.parametrize(
    "agency",
    [
        "Galveston County Constable's Office Pct.1",
        "Galveston County Constable's Office Pct.4",
        "Harris County Constable Precinct 4",
    ],
)
@pytest.mark.parametrize("numbered", [False, True], ids=["number_apart", "number_in_footer"])
def test_a_number_of_the_agency_name_the_footers_repeat_is_kept(
    agency: str, numbered: bool
) -> None:
    """A page number changes from page to page; a number a footer repeats on each page
    is the agency's (``Pct.1`` and ``Pct.4`` are two constables' offices): the footers
    dropped it, and their spelling then replaced the Parties clause's."""

    def footer(page: int) -> str:
        return f"{agency}, TX    {page if numbered else ''}    Revised 02/15/2025"

    pages = [
        [
            (x, y, footer(n) if y == 30 else t.replace("Test County Sheriff's Office", agency))
            for x, y, t in page
        ]
        + ([] if numbered else [(300, 15, str(n))])
        for n, page in enumerate(moa_pages(), 1)
    ]
    assert parse_moa(make_pdf(pages), "x.pdf").agency == agency


def test_an_office_word_s_possessive_is_kept_as_written() -> None:
    assert mend_office_words("Galveston County Constable's Office") == (
        "Galveston County Constable's Office"
    )
    assert mend_office_words("Lee County Sherifrs Office") == "Lee County Sheriffs Office"


def test_a_party_acting_on_behalf_of_an_agency_names_the_agency() -> None:
    """``the City of Pasadena, Texas, on behalf of the Pasadena Police Department``: the
    LEA is the body acted for (the city signs for it), in the state the clause gives;
    it was read whole with its comma lost (``City of Pasadena Texas, on behalf of the
    Pasadena Police Department``)."""
    lines = [
        (72, 661, "Homeland Security (DHS), and the City of Pasadena, Texas, on behalf of"),
        (72, 649, "the Pasadena Police Department " + PARTIES_AFTER),
    ]
    pages = [
        [(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in page]
        for page in with_parties(lines)
    ]
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert (record.agency, record.state) == ("Pasadena Police Department", "TX")


def test_a_title_on_two_lines_keeps_the_comma_between_them() -> None:
    first, second = moa_pages()
    title = [(120.0, 512.0, "Constable,"), (120.0, 499.0, "Harris County Precinct 4")]
    second = [item for item in second if item[2] != "Sheriff"] + title
    agency = parse_moa(make_pdf([first, second]), "x.pdf").signatures[0]
    assert agency.title == "Constable, Harris County Precinct 4"


WITNESS = [
    "IN WITNESS WHEREOF, the parties hereto have caused this Memorandum of Agreement",
    "to be executed by their duly authorized officials on the dates written below.",
]


def reworded_signing(layout: str, split: bool = False) -> list[list[Placed]]:
    """The generated MOA (``labelled``: the 2025 template's ``For the LEA:`` and ``Date:``
    fields; ``unlabelled``: the 2019 template's date lines, names and titles) with its
    "By signing this MOA" paragraph reworded around ``IN WITNESS WHEREOF``; ``split``:
    the paragraph ends its page and the blocks open the next."""
    if layout == "labelled":
        first, second = moa_pages()
    else:
        first, second = unlabelled_signature_page("Jack A. Brandes", ["Sheriff, Test County"])
    body = [item for item in second if item[1] > 660 or (item[1] < 640 and item[1] > 100)]
    paragraph = [(72.0, 660.0 - 12 * i, text) for i, text in enumerate(WITNESS)]
    heads = [item for item in body if item[1] > 660]
    blocks = [item for item in body if item[1] <= 660]
    footer = second[-1]
    if split:
        filler = [(72.0, 620.0 - 12 * i, FILLER) for i in range(3)]
        return [first, [*heads, *paragraph, *filler, footer], [*blocks, footer]]
    return [first, [*heads, *paragraph, *blocks, footer]]


@pytest.mark.parametrize("split", [False, True], ids=["same_page", "next_page"])
@pytest.mark.parametrize("layout", ["labelled", "unlabelled"])
def test_a_signing_worded_otherwise_is_found_by_its_blocks(layout: str, split: bool) -> None:
    """A template reworded around ``IN WITNESS WHEREOF`` (no "By signing this MOA") gave
    no signer: the signature section is found by what it is, blocks of a name, a title
    and a date or a date field, below the prose, whatever words introduce it."""
    record = parse_moa(make_pdf(reworded_signing(layout, split)), "x.pdf")
    agency, ice = record.signatures
    expected = (
        ("Jane Q. Public", "Sheriff")
        if layout == "labelled"
        else (
            "Jack A. Brandes",
            "Sheriff, Test County",
        )
    )
    assert (agency.party, agency.name, agency.title) == ("agency", *expected)
    assert agency.date == date(2025, 3, 26) and ice.party == "ice"
    assert ice.name in ("Todd M. Lyons", "Timothy S. Robbins")
    assert record.error is None and record.signature_page == (3 if split else 2)


def test_a_page_of_contacts_and_prose_is_no_signature_section() -> None:
    """Without a signing paragraph, officers named with their titles but undated (the
    points of contact) and the prose about them are no signature blocks."""
    first, second = reworded_signing("labelled")
    undated = [item for item in second if "Date" not in item[2] and "2025" not in item[2]]
    record = parse_moa(make_pdf([first, undated]), "x.pdf")
    assert (record.signatures, record.error) == ((), NO_BLOCKS)


def test_a_notary_s_acknowledgement_is_no_signer_and_its_date_no_signing() -> None:
    """A notary's fields under the agency's block, the notary's date written after them:
    the date was read as an ``other`` block's signing; the acknowledgement is no signer."""
    first, second = moa_pages()
    record = parse_moa(make_pdf([first, [*second, *NOTARY]]), "x.pdf")
    assert [(s.party, s.name, s.date) for s in record.signatures] == [
        ("agency", "Jane Q. Public", date(2025, 3, 26)),
        ("ice", "Todd M. Lyons", date(2025, 4, 2)),
    ]


def test_a_notary_s_date_under_an_unlabelled_block_is_not_the_signer_s() -> None:
    """The 2019 layout: the sheriff's date written by hand (its field read as noise), a
    notary's acknowledgement typed under his block: its date was the agency's signing."""
    first, second = unlabelled_signature_page("Jack A. Brandes", ["Sheriff, Test County"])
    second = [(x, y, "Date: {g" if t == "Date: 03/26/2025" else t) for x, y, t in second]
    second += [
        (330, 480, "Subscribed and sworn to before me"),
        (330, 468, "on March 25, 2025"),
        (330, 430, "________________________"),
        (330, 416, "Sarah B. Smith"),
        (330, 404, "Notary Public, State of Texas"),
    ]
    record = parse_moa(make_pdf([first, second]), "x.pdf")
    agency, ice = record.signatures
    assert (agency.party, agency.name, agency.date) == ("agency", "Jack A. Brandes", None)
    assert record.agency_signed is None and ice.date == date(2025, 4, 2)


@pytest.mark.parametrize(
    ("parties", "state"),
    [
        ("Test County and Test County Sheriff's Office", None),
        ("Test County, Texas, and the Test County Sheriff's Office", "TX"),
        ("the City of Testville and the Testville Police Department", None),
        ("Board of County Commissioners of Test County and Test County Sheriff's Office", None),
    ],
)
def test_parties_named_together_are_read_as_the_agencies_they_are(
    parties: str, state: str | None
) -> None:
    """``Bexar County and Bexar County Sheriff's Office`` (a county and its sheriff both
    party) was read as one name: the law enforcement agency is the 287(g) partner."""
    lines = [
        (72, 661, "Homeland Security (DHS), and " + parties),
        (72, 649, PARTIES_AFTER),
    ]
    pages = [
        [(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in page]
        for page in with_parties(lines)
    ]
    record = parse_moa(make_pdf(pages), "x.pdf")
    agency = (
        "Testville Police Department" if "Testville" in parties else "Test County Sheriff's Office"
    )
    assert (record.agency, record.state) == (agency, state)


@pytest.mark.parametrize(
    "name",
    [
        "Louisiana Department of Public Safety and Corrections",
        "Florida Fish and Wildlife Conservation Commission",
        "Maryland Department of Public Safety and Correctional Services",
    ],
)
def test_an_and_inside_one_agency_s_name_keeps_it_whole(name: str) -> None:
    lines = [(72, 661, "Homeland Security (DHS), and the " + name), (72, 649, PARTIES_AFTER)]
    pages = [
        [(x, y, "Revised 02/15/2025" if y == 30 else t) for x, y, t in page]
        for page in with_parties(lines)
    ]
    assert parse_moa(make_pdf(pages), "x.pdf").agency == name


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            ["Deputy Director and Senior Official Performing", "the Duties of the Director"],
            "Deputy Director and Senior Official Performing the Duties of the Director",
        ),
        (
            ["Executive Associate Director for", "Enforcement and Removal Operations"],
            "Executive Associate Director for Enforcement and Removal Operations",
        ),
        (
            ["Acting Executive Associate Director", "Enforcement and Removal Operations"],
            "Acting Executive Associate Director",  # the office's name, on its own line
        ),
    ],
)
def test_a_title_wrapped_over_two_lines_is_read_whole(lines: list[str], title: str) -> None:
    """The 2019 layout's ICE signer: a title wrapped onto a second line (unfinished, or
    the next line opening in lower case) kept only its first line."""
    first, second = unlabelled_signature_page("Jack A. Brandes", ["Sheriff, Test County"])
    second = [item for item in second if not (item[0] == 72 and 500 < item[1] < 550)]
    ice = ["Matthew T. Albence", *lines, "U.S. Immigration and Customs Enforcement"]
    second += [(72.0, 546.0 - 12 * i, text) for i, text in enumerate(ice)]
    record = parse_moa(make_pdf([first, second]), "x.pdf")
    ice_block = next(s for s in record.signatures if s.party == "ice")
    assert (ice_block.name, ice_block.title) == ("Matthew T. Albence", title)


@pytest.mark.parametrize(
    ("footer", "state"),
    [
        ("Test County Sheriff's Office, Texas", "TX"),
        ("Test County Sheriff's Office, TX", "TX"),
        ("Test County, Texas", "TX"),
        ("Test County Sheriff's Office - Texas", "TX"),
        ("Test County Sheriff's Office | Texas", "TX"),
        ("Memorandum of Agreement - Test County Sheriff's Office", None),
    ],
)
def test_a_state_given_only_by_the_page_footers_is_read(footer: str, state: str | None) -> None:
    """The footers an agency's MOA repeats on each page name its place: a state they
    alone gave was not read."""
    pages = [
        [(x, y, f"{footer}    Revised 02/15/2025" if y == 30 else t) for x, y, t in page]
        for page in without_state()
    ]
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert (record.agency, record.state) == ("Test County Sheriff's Office", state)
