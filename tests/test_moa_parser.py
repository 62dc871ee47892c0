"""The MOA PDF parser (parsers.moa) against the real corpus, and on bad input.

Expected records live in tests/cases/moa/<pdf-stem>.json, one per PDF of
../shared/corpus/moa. They were established by reading each PDF (its text layer, and
its pages rendered as images where the text layer is noisy or absent), not from the
parser's output. ``not_in_text_layer`` lists the expected values that the text layer,
the PDF title and the file name do not hold (hand-written dates, image-only pages): the
accuracy table reports against all expected values and against the readable ones, and
the targets are asserted on the readable ones.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffs.moa_reviewed import load_reviewed, merge_reviewed
from parsers.moa import (
    MoaRecord,
    SignatureBlock,
    fill_signers,
    find_date,
    parse_moa,
    repair_title,
    strict_date,
    word_counts,
)
from parsers.moa.review import unread_fields
from parsers.moa.text import Line, Word, to_lines
from parsers.normalize import agency_key
from parsers.ocr import Ocr, OcrWord, find_tesseract, parse_tsv

CASES = Path(__file__).parent / "cases" / "moa"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "moa"
FIXTURES = sorted(CASES.glob("*.json"))
DOC_FIELDS = (
    "model",
    "agency",
    "state",
    "field_office",
    "template_revision",
    "pages",
    "has_text_layer",
    "is_addendum",
    "ice_signed",
    "agency_signed",
)
SIG_FIELDS = ("party", "name", "title", "date")
TARGET_EVERY_PDF = ("model", "agency", "ice_signed")
TARGET_OVERALL = 0.90
# The ICE signature date is written by hand on these (read by a person from the images;
# Tesseract turns them into noise such as '34- 2520', which is rightly not believed).
HANDWRITTEN_ICE_DATE = frozenset({
    "287gJEM_CecilCoMD2020-03-09",
    "287gWSO_NashCoNC2020-01-29",
    "287gWSO_SweetwaterCoWY_03-13-2020",
    "Lake_City_PD_FL_TFM_MOA_04.29.25",
    "LongboatKeyPoliceDeptFL_TFM_MOA_04232025",
})  # fmt: skip
OCR_TARGET_OVERALL = 0.86  # of all expected values, hand-written ones included
pytestmark = pytest.mark.xdist_group("moa_corpus")  # parse the corpus in one worker only
Placed = tuple[float, float, str]  # x, y (points from the bottom left), text


def load_case(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


@pytest.fixture(scope="session")
def ocr() -> Ocr | None:
    """Tesseract when installed; required when ICE287G_REQUIRE_OCR=1 (as in CI)."""
    found = find_tesseract()
    if found is None and os.environ.get("ICE287G_REQUIRE_OCR") == "1":
        pytest.fail("ICE287G_REQUIRE_OCR=1 but tesseract (with eng) does not run")
    return found


@pytest.fixture(scope="session")
def records(ocr: Ocr | None) -> dict[str, MoaRecord]:
    """Every corpus PDF parsed once per session (with OCR when installed), by stem."""
    if not CORPUS.is_dir():
        pytest.skip("the shared MOA corpus is not beside the project (../shared/corpus/moa)")
    out = {}
    for path in FIXTURES:
        name = load_case(path)["file"]
        out[path.stem] = parse_moa((CORPUS / name).read_bytes(), name, None, ocr)
    return out


# --------------------------------------------------------------------------- comparison


def fold(value: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value).lower()) if value is not None else ""


def same_name(expected: str | None, got: str | None) -> bool:
    """Same person: equal once folded, or same surname and first initial
    (``C.M. Cronen`` is ``Christopher M Cronen``)."""
    if expected is None or got is None:
        return expected is got
    if fold(expected) == fold(got):
        return True
    a, b = re.findall(r"[A-Za-z]+", expected.lower()), re.findall(r"[A-Za-z]+", got.lower())
    return bool(a and b) and a[-1] == b[-1] and a[0][0] == b[0][0]


def same(field: str, expected: Any, got: Any) -> bool:
    if field == "agency":
        return (expected is None and got is None) or (
            expected is not None and got is not None and agency_key(expected) == agency_key(got)
        )
    if field == "name":
        return same_name(expected, got)
    if field in ("title", "field_office"):
        return fold(expected) == fold(got)
    return bool(expected == got)


def signature_pairs(
    expected: list[dict[str, Any]], got: tuple[SignatureBlock, ...]
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any] | None]]:
    """Each expected block with the parsed block of the same party and rank."""
    seen: dict[str, int] = {}
    for index, block in enumerate(expected):
        rank = seen.get(block["party"], 0)
        seen[block["party"]] = rank + 1
        same_party = [s.to_dict() for s in got if s.party == block["party"]]
        yield index, block, same_party[rank] if rank < len(same_party) else None


def field_results(case: dict[str, Any], record: MoaRecord) -> list[tuple[str, bool, bool]]:
    """(field, right, readable) for every expected value of one PDF."""
    expected, unreadable = case["expected"], set(case["not_in_text_layer"])
    got = record.to_dict()
    rows = [(f, same(f, expected[f], got[f]), f not in unreadable) for f in DOC_FIELDS]
    for index, block, parsed in signature_pairs(expected["signatures"], record.signatures):
        for f in SIG_FIELDS:
            value = parsed.get(f) if parsed else None
            right = parsed is not None if f == "party" else same(f, block[f], value)
            rows.append((f"signature.{f}", right, f"signatures[{index}].{f}" not in unreadable))
    count_readable = not any(u.endswith(".party") for u in unreadable)
    count_right = len(record.signatures) == len(expected["signatures"])
    rows.append(("signature count", count_right, count_readable))
    return rows


# --------------------------------------------------------------------------- corpus


def test_fixtures_cover_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared MOA corpus is not beside the project")
    pdfs = {p.stem for p in CORPUS.glob("*.pdf")}
    assert pdfs == {p.stem for p in FIXTURES}


def must_be_right(stem: str, field: str, readable: bool, with_ocr: bool) -> bool:
    if field not in TARGET_EVERY_PDF:
        return False
    if with_ocr:
        return not (field == "ice_signed" and stem in HANDWRITTEN_ICE_DATE)
    return readable


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_corpus_pdf(path: Path, records: dict[str, MoaRecord], ocr: Ocr | None) -> None:
    case, record = load_case(path), records[path.stem]
    expected = case["expected"]
    assert record.sha256 == case["sha256"]
    assert (record.pages, record.has_text_layer, record.is_addendum) == (
        expected["pages"],
        expected["has_text_layer"],
        expected["is_addendum"],
    )
    wrong = [
        f
        for f, right, readable in field_results(case, record)
        if must_be_right(path.stem, f, readable, ocr is not None) and not right
    ]
    assert not wrong, f"{path.stem}: {wrong} -> {record.to_dict()}"
    read_by_ocr = ocr is not None and not expected["has_text_layer"]
    if read_by_ocr:
        assert record.ocr_pages
    elif ocr is None:
        assert not record.ocr_pages
    assert record.error is None if expected["has_text_layer"] or read_by_ocr else record.error
    assert MoaRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record


def test_accuracy_table(
    records: dict[str, MoaRecord], ocr: Ocr | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Per-field accuracy over the corpus; printed whether or not pytest captures output."""
    table: dict[str, list[int]] = {}
    misses: list[str] = []
    for path in FIXTURES:
        for f, right, readable in field_results(load_case(path), records[path.stem]):
            row = table.setdefault(f, [0, 0, 0, 0])
            row[0] += right
            row[1] += 1
            row[2] += right and readable
            row[3] += readable
            if readable and not right:
                misses.append(f"{path.stem}: {f}")
    totals = [sum(r[i] for r in table.values()) for i in range(4)]
    with capsys.disabled():
        engine = f"OCR: {ocr.version}" if ocr else "no OCR"
        print(f"\n[{engine}]\n" + render_table(table, totals))
        print("readable misses: " + "; ".join(misses))
    for f in TARGET_EVERY_PDF:
        assert table[f][2] == table[f][3], f"{f} wrong on a PDF whose text holds it: {misses}"
    assert totals[2] / totals[3] >= TARGET_OVERALL, misses
    if ocr is not None:
        assert totals[0] / totals[1] >= OCR_TARGET_OVERALL
    reviewed_right, from_review = reviewed_score(records)
    with capsys.disabled():
        print(
            f"with the reviewed layer (diffs/moa_reviewed.toml): {reviewed_right}/{totals[1]}"
            f" ({reviewed_right / totals[1]:.1%}), of which {from_review} reviewed values"
        )
    assert reviewed_right == totals[0] + from_review  # a review never spoils a parsed field


def reviewed_score(records: dict[str, MoaRecord]) -> tuple[int, int]:
    """Fields right once the repository's reviewed layer is merged, and how many of
    them are right only thanks to a reviewed value."""
    layer = load_reviewed()
    right = gained = 0
    for path in FIXTURES:
        case, record = load_case(path), records[path.stem]
        merged = MoaRecord.from_dict(merge_reviewed(record.to_dict(), layer.get(record.sha256)))
        before = field_results(case, record)
        after = field_results(case, merged)
        right += sum(r for _f, r, _readable in after)
        gained += sum(r and not b for (_f, r, _x), (_g, b, _y) in zip(after, before, strict=True))
    return right, gained


def render_table(table: dict[str, list[int]], totals: list[int]) -> str:
    lines = [f"{'MOA field':<18} {'right/all':>10} {'right/readable':>15}"]
    for f, (right, total, right_r, readable) in table.items():
        lines.append(f"{f:<18} {right:>4}/{total:<5} {right_r:>8}/{readable:<6}")
    right, total, right_r, readable = totals
    lines.append(
        f"{'overall':<18} {right:>4}/{total:<5} {right_r:>8}/{readable:<6}"
        f" ({right / total:.1%} of all, {right_r / readable:.1%} of readable)"
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- hand-made PDFs


def make_pdf(
    pages: Sequence[Sequence[Placed]],
    title: str | None = None,
    encrypt: bool = False,
    scan: bool = False,
    rotated: frozenset[int] = frozenset(),
    sideways: frozenset[int] = frozenset(),
) -> bytes:
    """A small valid PDF: Helvetica text at (x, y) on letter pages; optional /Encrypt;
    ``scan``: each page also covered by an image (a one-pixel white scan under the text);
    ``rotated`` (page indexes): shown with ``/Rotate 90``, its text upright in its own
    space; ``sideways``: its text drawn a quarter turn on a landscape sheet, shown
    upright with ``/Rotate 90`` (a scanner's fix)."""
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", b""]
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length 1 >>\nstream\n\xff\nendstream"
    )
    kids = []
    for index, items in enumerate(pages):
        turn = index in sideways
        place = "0 -1 1 0 {y} {left} Tm" if turn else "{x} {y} Td"
        ops = ("q 612 0 0 792 0 0 cm /Im1 Do Q\n" if scan else "") + "\n".join(
            f"BT /F1 10 Tf {place.format(x=x, y=y, left=612 - x)}"
            f" ({t.replace(chr(92), chr(92) * 2)}) Tj ET"
            for x, y, t in items
        )
        data = ops.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data))
        box = b"[0 0 792 612] /Rotate 90" if turn else b"[0 0 612 792]"
        box += b" /Rotate 90" if index in rotated else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources"
            b" << /Font << /F1 1 0 R >> /XObject << /Im1 3 0 R >> >> /Contents %d 0 R >>"
            % (box, len(objects))
        )
        kids.append(len(objects))
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 3, len(objects))
    if title:
        objects.append(b"<< /Title (%s) >>" % title.encode("latin-1"))
        trailer += b" /Info %d 0 R" % len(objects)
    if encrypt:
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <%s> /U <%s> >>" % (b"0" * 64, b"1" * 64)
        )
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (len(objects), b"ab" * 16, b"ab" * 16)
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref))


FILLER = "The LEA and ICE enter into this MOA in good faith and agree to abide by its terms."
LABELS = {
    "For the LEA:": ")RU WKH /($",
    "For ICE:": ")RU ,&(",
    "Date:": "'DWH",
    "Name:": "1DPH",
    "Title:": "7LWOH",
    "Agency:": "$JHQF\\",
}


def moa_pages(
    shifted: bool = False,
    heading: str = "Warrant Service Officer Program",
    wording: str = "custodial transfer",
) -> list[list[Placed]]:
    """A two-page 2025-style WSO MOA for Test County, Texas."""
    lab = (lambda s: LABELS[s]) if shifted else (lambda s: s)
    footer = (40, 30, "Test County Sheriff's Office    Revised 02/15/2025")
    first: list[Placed] = [
        (200, 740, "MEMORANDUM OF AGREEMENT"),
        (200, 725, heading),
        (72, 700, "I. PARTIES"),
        (72, 685, "This Memorandum of Agreement (MOA) constitutes an agreement between U.S."),
        (72, 673, "Immigration and Customs Enforcement (ICE), a component of the Department of"),
        (72, 661, "Homeland Security (DHS), and the Test County Sheriff's Office, TX, hereinafter"),
        (72, 649, "the law enforcement agency (LEA), pursuant to which ICE delegates authority."),
        (72, 620, f"The purpose of this collaboration is facilitating the {wording} of aliens."),
        (72, 600, FILLER),
        (72, 588, FILLER),
        footer,
    ]
    second: list[Placed] = [
        (72, 740, "For the LEA: Sheriff, Test County"),
        (72, 728, "For DHS: Dallas Field Office Director"),
        (72, 700, FILLER),
        (72, 688, FILLER),
        (72, 660, "By signing this MOA, each party represents it is fully authorized to"),
        (
            72,
            648,
            "enter into this MOA, and agrees to be bound to the fullest extent allowed by law.",
        ),
        (72, 600, lab("For the LEA:")),
        (330, 600, lab("For ICE:")),
        (72, 570, lab("Date:")),
        (120, 572, "03/26/2025"),
        (330, 570, lab("Date:")),
        (380, 572, "April 2, 2025"),
        (72, 540, lab("Name:")),
        (120, 542, "Jane Q. Public"),
        (330, 540, lab("Name:")),
        (380, 542, "Todd M. Lyons"),
        (72, 510, lab("Title:")),
        (120, 512, "Sheriff"),
        (330, 510, lab("Title:")),
        (380, 512, "Acting Director"),
        (72, 480, lab("Agency:")),
        (120, 482, "Test County Sheriff's Office"),
        (330, 480, lab("Agency:")),
        (380, 482, "U.S. Immigration and Customs Enforcement"),
        footer,
    ]
    return [first, second]


def ice_on_the_next_page(third_text: str = "") -> list[list[Placed]]:
    """The generated MOA with its signature page full after the agency's block: ICE's
    block (left column) opens the next page, under ``third_text`` when given."""
    first, second = moa_pages()
    footer = second[-1]
    ice = [(x - 258, y + 100, t) for x, y, t in second if x >= 330 and y <= 600]
    own = [(x, y, t) for x, y, t in second if not (x >= 330 and y <= 600)]
    head = [(72, 740, third_text)] if third_text else []
    return [first, own, [*head, *ice, footer]]


def test_a_block_the_signature_page_has_no_room_for_is_read_on_the_next_page() -> None:
    record = parse_moa(make_pdf(ice_on_the_next_page()), "x.pdf")
    agency, ice = record.signatures
    assert (agency.party, agency.name, agency.date, agency.page) == (
        "agency",
        "Jane Q. Public",
        date(2025, 3, 26),
        2,
    )
    assert (ice.party, ice.name, ice.title, ice.page) == (
        "ice",
        "Todd M. Lyons",
        "Acting Director",
        3,
    )
    assert (record.ice_signed, record.signature_page, record.error) == (date(2025, 4, 2), 2, None)
    assert "Todd M. Lyons" in record.signature_text
    assert MoaRecord.from_dict(record.to_dict()).signatures[1].page == 3
    [unread] = unread_fields(
        {**record.to_dict(), "signatures": [agency.to_dict(), {**ice.to_dict(), "name": None}]}
    )
    assert (unread.field, unread.page) == ("ice.name", 3)


def test_an_appendix_after_the_signature_page_lends_it_no_signer() -> None:
    """Points of contact name ICE's and the agency's officers with their titles, undated:
    no signing, whatever the signature page lacks."""
    first, own, _ice = ice_on_the_next_page()
    appendix: list[Placed] = [
        (72, 740, "APPENDIX A"),
        (72, 725, "POINTS OF CONTACT"),
        (72, 700, "The ICE and LEA points of contact for purposes of implementation of"),
        (72, 688, "this MOA are:"),
        (72, 660, "For ICE:"),
        (72, 640, "Name: Todd M. Lyons"),
        (72, 628, "Title: Field Office Director"),
        (72, 600, "For the LEA:"),
        (72, 580, "Name: Jane Q. Public"),
        (72, 568, "Title: Sheriff"),
        own[-1],
    ]
    record = parse_moa(make_pdf([first, own, appendix]), "x.pdf")
    assert [s.party for s in record.signatures] == ["agency"] and record.ice_signed is None


@pytest.mark.parametrize(
    "heading",
    ["ADDENDUM 1", "NOTARY ACKNOWLEDGMENT", "ATTEST:", "CERTIFICATION", "Sworn and subscribed"],
)
def test_a_next_page_that_signs_or_certifies_something_else_lends_no_block(heading: str) -> None:
    """An addendum's signing, a notary's acknowledgement, a clerk's attestation or a
    certification after the signature page is no part of the MOA's signing, whatever
    its block says (a notary's date was read as the agency's signing)."""
    record = parse_moa(make_pdf(ice_on_the_next_page(heading)), "x.pdf")
    assert [s.party for s in record.signatures] == ["agency"] and record.ice_signed is None


def test_a_block_on_the_next_page_that_does_not_say_its_party_lends_none() -> None:
    """A block placed where ICE's would be but not saying whose it is (``For ICE:``) is
    no party's: a clerk's ``Name``, ``Title``, ``Date`` read as ICE's signer."""
    first, own, ice = ice_on_the_next_page()
    unsaid = [item for item in ice if "For ICE" not in item[2]]
    record = parse_moa(make_pdf([first, own, unsaid]), "x.pdf")
    assert [s.party for s in record.signatures] == ["agency"] and record.ice_signed is None


def test_a_next_page_that_signs_an_addendum_lends_no_block_to_the_moa() -> None:
    pages = ice_on_the_next_page("By signing this addendum, each party agrees to its terms.")
    record = parse_moa(make_pdf(pages), "x.pdf")
    assert [s.party for s in record.signatures] == ["agency"] and record.ice_signed is None


@pytest.mark.parametrize("shifted", [False, True], ids=["plain", "shifted_labels"])
def test_labelled_signature_page(shifted: bool) -> None:
    record = parse_moa(make_pdf(moa_pages(shifted)), "x.pdf")
    assert record.error is None and record.has_text_layer and record.pages == 2
    assert (record.model, record.model_evidence) == ("WSO", "body")
    assert (record.agency, record.state) == ("Test County Sheriff's Office", "TX")
    assert (record.field_office, record.template_revision) == ("Dallas", "2025-02-15")
    assert record.signatures == (
        SignatureBlock("agency", "Jane Q. Public", "Sheriff", date(2025, 3, 26), "03/26/2025"),
        SignatureBlock(
            "ice", "Todd M. Lyons", "Acting Director", date(2025, 4, 2), "April 2, 2025"
        ),
    )
    assert (record.agency_signed, record.ice_signed) == (date(2025, 3, 26), date(2025, 4, 2))
    assert record.text_shift_decoded is shifted
    assert "By signing this MOA" in record.signature_text


def test_model_evidence_order() -> None:
    """Body first, then the PDF title, then the file name or URL."""
    plain = moa_pages(heading="", wording="hand-over")
    assert (
        parse_moa(make_pdf(plain, title="287(g) MOA TF - X"), "a_JEM.pdf").model_evidence == "title"
    )
    by_name = parse_moa(make_pdf(plain), "<bytes>", "https://www.ice.gov/doclib/287gMOA/aJEM.pdf")
    assert (by_name.model, by_name.model_evidence) == ("JEM", "filename")
    assert parse_moa(make_pdf(plain, title="287(g) MOA TF/WSO")).model is None


def test_addendum_document() -> None:
    page = [
        (72, 700, "ADDENDUM TO MODIFY MEMORANDUM OF AGREEMENT"),
        *[(72, 680 - 12 * i, FILLER) for i in range(4)],
    ]
    assert parse_moa(make_pdf([page])).is_addendum
    assert not parse_moa(make_pdf(moa_pages())).is_addendum


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OCT 1 5 2019", date(2019, 10, 15)),
        ("O_C_T_1_5_2_01_9", date(2019, 10, 15)),
        ("Dnlc:4 / 2/ 202 5", date(2025, 4, 2)),
        ("04/16/2~25~", date(2025, 4, 16)),
        ("02/19/25", date(2025, 2, 19)),
        ("Date: 2020.06.09 14:38:27 -04'00'", date(2020, 6, 9)),
        ("February 26, 2025", date(2025, 2, 26)),
        ("3/4,,/1=0", None),
        ("~/2/ 202 5", None),
        ("13/45/2025", None),
        ("Revised", None),
    ],
)
def test_find_date(text: str, expected: date | None) -> None:
    assert find_date(text)[0] == expected


# --------------------------------------------------------------------------- never raises


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"<!doctype html><html><body>Access denied</body></html>", "not a PDF (HTML)"),
        (zip_bytes(), "not a PDF (a zip archive)"),
        (b"%PDF-1.7\n" + b"junk " * 200, "damaged or truncated PDF"),
        (make_pdf([[(72, 700, "x")]], encrypt=True), "encrypted PDF (password required)"),
        (make_pdf([[], []]), "no text layer on most pages (text on 0 of 2)"),
    ],
    ids=["empty", "html", "zip", "header_junk", "encrypted", "image_only"],
)
def test_bad_input_is_an_error_record(data: bytes, reason: str) -> None:
    record = parse_moa(data, "x.pdf")
    assert record.error == reason
    assert MoaRecord.from_dict(record.to_dict()) == record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.booleans())
def test_random_bytes_never_raise(data: bytes, with_header: bool) -> None:
    record = parse_moa((b"%PDF-1.4\n" if with_header else b"") + data)
    assert isinstance(record, MoaRecord) and record.error


@pytest.fixture(scope="module")
def small_pdf() -> bytes:
    if not CORPUS.is_dir():
        pytest.skip("the shared MOA corpus is not beside the project")
    return (CORPUS / "287gJEM_FL_DOC_FL_08-21-2020.pdf").read_bytes()


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.floats(min_value=0.0, max_value=0.999))
def test_truncated_pdfs_never_raise(small_pdf: bytes, fraction: float) -> None:
    cut = small_pdf[: int(len(small_pdf) * fraction)]
    record = parse_moa(cut, "cut.pdf")
    assert isinstance(record, MoaRecord) and record.error


def test_long_pdf_is_read_up_to_a_cap() -> None:
    record = parse_moa(make_pdf([[(72, 700, FILLER)]] * 61))
    assert record.pages == 61
    assert record.error == "only the first 60 of 61 pages read"


def test_a_page_holding_more_text_than_any_moa_is_read_to_a_cap() -> None:
    """A page of 2,000 lines drawn from one short content stream (a MOA page holds at
    most about 4,200 characters): its first 20,000 characters are read, and the record
    says so (2,000,000 characters on one page took 13 s and 430 MB to read)."""
    line = "This Memorandum of Agreement is entered into by ICE and the LEA of TX."
    rows = [(36 + 200 * (n // 70 % 3), 780 - n % 70 * 11, line) for n in range(2000)]
    record = parse_moa(make_pdf([rows, [(72, 700, FILLER)]]), "dense.pdf")
    assert record.error == "only the first 20,000 characters read of pages 1"
    assert record.pages == 2


def _lines_as_before(words: Sequence[Word]) -> list[Line]:
    """``text.to_lines`` as it was: each line's mean middle and least height counted
    again for each word that may join it (quadratic in a line's words)."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        middle = (word.top + word.bottom) / 2
        if rows:
            row = rows[-1]
            mean = sum((w.top + w.bottom) / 2 for w in row) / len(row)
            heights = [h for h in (w.bottom - w.top for w in (*row, word)) if h > 0]
            tolerance = max(2.0, 0.4 * min(heights)) if heights else 2.0
            if abs(middle - mean) <= tolerance:
                row.append(word)
                continue
        rows.append([word])
    return [Line(tuple(sorted(row, key=lambda w: w.x0))) for row in rows]


_PLACES = st.floats(min_value=0, max_value=40, allow_nan=False).map(lambda v: round(v, 1))


@given(st.lists(st.tuples(_PLACES, _PLACES, _PLACES, st.sampled_from([0.0, 0.5, 3.0, 9.0]))))
def test_words_are_grouped_into_lines_as_before_they_were_read_in_linear_time(
    places: list[tuple[float, float, float, float]],
) -> None:
    words = [Word(f"w{n}", x, x + w, top, top + h) for n, (x, w, top, h) in enumerate(places)]
    assert to_lines(words) == _lines_as_before(words)


def test_one_line_of_ten_thousand_words_is_read_in_linear_time() -> None:
    """Grouping a line's words counted the line again for each word that joined it: a
    page holding one line of 9,500 words took 8.6 s (now 0.1 s)."""
    record = parse_moa(make_pdf([[(72, 700, "A " * 9_500)], [(72, 700, FILLER)]]), "line.pdf")
    assert record.pages == 2 and record.error == NO_BLOCKS  # read whole: no block in it


def test_parser_imports_no_network_or_database_code() -> None:
    code = (
        "import sys, parsers.moa; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('httpx', 'sqlalchemy', 'store', 'scraper', 'pdfminer', 'pdfplumber')]; "
        "print(bad); sys.exit(bool(bad))"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_signature_blocks_on_the_page_after_by_signing() -> None:
    first, second = moa_pages()
    split = next(i for i, item in enumerate(second) if item[2] == "For the LEA:")
    filler = [(72.0, 500.0 - 12 * i, FILLER) for i in range(4)]
    pages = [first, second[:split] + filler, second[split:]]
    record = parse_moa(make_pdf(pages))
    assert [s.party for s in record.signatures] == ["agency", "ice"]
    assert record.ice_signed == date(2025, 4, 2)


def test_unclean_revision_footer_is_kept_raw() -> None:
    page = [(72.0, 700.0 - 12 * i, FILLER) for i in range(4)] + [(72, 30, "Revised 02/1512025")]
    assert parse_moa(make_pdf([page])).template_revision == "Revised 02/1512025"


# --------------------------------------------------------------------------- OCR (fake engine)


def ocr_words(items: Sequence[Placed], page_height: float = 792) -> list[OcrWord]:
    """What an engine at 72 dpi would report for text placed at (x, y): one box per word."""
    words = []
    for line, (x, y, text) in enumerate(items):
        left = x
        for word in text.split():
            right = left + 5 * len(word)
            top = int(page_height - y - 10)
            words.append(OcrWord(word, int(left), top, int(right), top + 10, (1, 1, line)))
            left = right + 4
    return words


@dataclass
class FakeOcr:
    """An OCR engine that 'sees' given page contents and cropped-field texts, in order."""

    pages: Sequence[Sequence[Placed]] = ()
    fields: Sequence[str] = ()
    version: str = "fake1"
    dpi: int = 72
    calls: list[tuple[int, bool]] = dc_field(default_factory=list)

    def read(self, images: Sequence[bytes], single_block: bool = False) -> list[list[OcrWord]]:
        assert all(image.startswith(b"P5") for image in images)  # rendered grey pages
        self.calls.append((len(images), single_block))
        if single_block:
            return [ocr_words([(0, 780, text)]) for text in self.fields[: len(images)]]
        return [ocr_words(self.pages[i]) for i in range(len(images))]


def test_image_only_pages_are_read_by_ocr() -> None:
    engine = FakeOcr(pages=moa_pages())
    record = parse_moa(make_pdf([[], []]), "scan.pdf", None, engine)
    assert engine.calls == [(2, False)]
    assert (record.ocr_pages, record.error, record.has_text_layer) == ((1, 2), None, False)
    assert (record.model, record.agency, record.state) == (
        "WSO",
        "Test County Sheriff's Office",
        "TX",
    )
    assert (record.agency_signed, record.ice_signed) == (date(2025, 3, 26), date(2025, 4, 2))
    assert all(s.date_ocr for s in record.signatures)


def test_without_ocr_an_image_only_pdf_says_so() -> None:
    record = parse_moa(make_pdf([[], []]), "scan.pdf")
    assert record.ocr_pages == () and record.error and record.agency is None


def test_a_page_larger_than_paper_is_not_rendered() -> None:
    """A PDF page may declare any size: one larger than a tabloid sheet (11 by 17
    inches, more than any paper a MOA is printed on) is not rendered, for OCR (it gets
    no image: PDFium took 3.2 GB for a page 111 inches square at 300 dpi) nor for a
    reviewer's crop (an error that says why); a letter page beside it is."""
    import pypdfium2 as pdfium

    from parsers.moa.review import crop_png

    pdf = pdfium.PdfDocument.new()
    for size in ((612.0, 792.0), (792.0, 1224.0), (8000.0, 8000.0)):
        pdf.new_page(*size).close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    seen: list[bytes] = []

    @dataclass
    class Seeing:
        version: str = "seeing1"
        dpi: int = 300

        def read(self, images: Sequence[bytes], single_block: bool = False) -> list[list[OcrWord]]:
            seen.extend(images)
            return [[] for _ in images]

    parse_moa(out.getvalue(), "huge.pdf", None, Seeing())
    # the huge page once, as no image; letter and tabloid (3,300 by 5,100 pixels) rendered
    assert [image[:2] for image in seen].count(b"") == 1
    assert 3300 * 5100 < max(len(image) for image in seen) < 3400 * 5200
    assert crop_png(out.getvalue(), 2, None).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="111 by 111 inches: larger than any paper"):
        crop_png(out.getvalue(), 3, None)


def pages_without_ice_date() -> list[list[Placed]]:
    first, second = moa_pages()
    return [first, [item for item in second if item[2] != "April 2, 2025"]]


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        ("Date: 04/14/2025", date(2025, 4, 14)),
        ("Marth 5.2025", date(2025, 3, 5)),
        ("Marth 32020", None),
        ("34- 2520", None),
        ("", None),
    ],
)
def test_a_date_hidden_from_the_text_layer_is_read_from_its_field(
    seen: str, expected: date | None
) -> None:
    engine = FakeOcr(fields=[seen])
    record = parse_moa(make_pdf(pages_without_ice_date()), "x.pdf", None, engine)
    assert engine.calls == [(1, True)]  # one crop: the ICE date field; no page lacks text
    ice = next(s for s in record.signatures if s.party == "ice")
    assert (ice.date, ice.date_ocr) == (expected, expected is not None)
    assert record.agency_signed == date(2025, 3, 26) and record.ocr_pages == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/14/2025", date(2025, 4, 14)),
        ("3-13-2025", date(2025, 3, 13)),
        ("March 5, 2020", date(2020, 3, 5)),
        ("Date: 2025.04.25 14:19:53", date(2025, 4, 25)),
        ("Marth 32020,", None),
        ("4/2 2 £29", None),
        ("02/19/25", None),
        ("Mayor 5, 2020", None),
    ],
)
def test_strict_date(text: str, expected: date | None) -> None:
    assert strict_date(text)[0] == expected


def test_tesseract_tsv_and_a_missing_binary() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96.5\tSheriff\n"
        "5\t1\t1\t1\t1\t2\t44\t20\t8\t12\t0\t \n"
        "5\t1\t1\t1\t2\t1\tx\t20\t8\t12\t90\tbad\n"
    )
    assert parse_tsv(tsv) == [OcrWord("Sheriff", 10, 20, 40, 32, (1, 1, 1))]
    assert find_tesseract("no-such-ocr-program-here") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("ecutive Associate Director", "Executive Associate Director"),  # clipped
        ("xecutiveAssociate Director", "Executive Associate Director"),  # run together
        ("Swee ater County Sheriff", "Sweetwater County Sheriff"),  # split
        ("Oklahoma Commissioner of Public Safety", "Oklahoma Commissioner of Public Safety"),
        ("Sheriff, Lake County", "Sheriff, Lake County"),
        ("McKenzie Director", "McKenzie Director"),  # no office word first: as read
        (None, None),
    ],
)
def test_titles_are_mended_from_office_words_and_the_document(
    title: str | None, expected: str | None
) -> None:
    text = "Sweetwater County Sheriff's Office. Sweetwater County, Sweetwater, Oklahoma x3 " * 3
    assert repair_title(title, word_counts(text)) == expected


def test_a_scanned_page_read_again_fills_only_what_the_text_layer_lacks() -> None:
    """The OCR re-reading of a scanned signature page adds missing names, office titles,
    dates and blocks; it never replaces a value, copies another signer's name, or takes
    a hand-written title that reads as noise."""
    layer = [
        (SignatureBlock("agency", "Frank Rubino", None, date(2025, 4, 2), "4/2/2025"), None),
        (SignatureBlock("ice", None, "Acting Director", None), None),
        (SignatureBlock("other", None, None, date(2025, 4, 2)), None),
    ]
    reread = [
        (SignatureBlock("agency", "Frank Rubin", "UMBECBECETL", date(2025, 4, 3), "4/3"), None),
        (SignatureBlock("ice", "Todd M. Lyons", "Acting Dire chr", date(2025, 4, 23)), None),
        (SignatureBlock("other", "Frank Rubino", "Town Manager", None), None),
    ]
    got = [sig for sig, _block in fill_signers(layer, reread)]  # type: ignore[arg-type]
    assert got == [
        SignatureBlock("agency", "Frank Rubino", None, date(2025, 4, 2), "4/2/2025"),
        SignatureBlock("ice", "Todd M. Lyons", "Acting Director", date(2025, 4, 23), None, True),
        SignatureBlock("other", None, "Town Manager", date(2025, 4, 2)),
    ]
    lone = [(SignatureBlock("agency", "Ann Lee", "UMBECBECETL"), None)]
    added = fill_signers(layer[1:], lone)  # type: ignore[arg-type]
    assert [sig.party for sig, _block in added] == ["agency", "ice", "other"]
    assert added[0][0] == SignatureBlock("agency", "Ann Lee")  # the noise title dropped


def flate_pdf(inflated: int) -> bytes:
    """A one-page PDF whose Flate content stream inflates to about ``inflated`` bytes
    (spaces after one line of text): a few kilobytes on disk."""
    packer = zlib.compressobj(9)
    body = packer.compress(b"BT /F1 10 Tf 72 700 Td (MEMORANDUM OF AGREEMENT) Tj ET\n")
    body += b"".join(packer.compress(b" " * (1 << 20)) for _ in range(inflated >> 20))
    body += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(body), body),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, item in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, item)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_pdf_whose_streams_inflate_past_the_bound_is_refused_before_pdfium_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A small file whose content stream inflates to gigabytes took PDFium 53 s and 4.3 GB
    of memory for 3 MB on disk: the streams are counted first, piece by piece, and a
    file past the bound is one line of error. Here the bound is 2 MB, the stream 8 MB."""
    from parsers.moa import inflation

    monkeypatch.setattr(inflation, "MAX_INFLATED", 2 << 20)
    bomb = flate_pdf(8 << 20)
    assert len(bomb) < 64 << 10
    record = parse_moa(bomb, "bomb.pdf")
    assert (
        record.error
        == "its compressed streams inflate to more than 2 MB (a MOA's to a few): refusing"
    )
    small = parse_moa(flate_pdf(1 << 20), "small.pdf")
    assert small.error is None or "inflate" not in small.error


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("5th day of January, 2026", date(2026, 1, 5)),
        ("this 1st day of May, 2025", date(2025, 5, 1)),
        ("4 July 2026", date(2026, 7, 4)),
        ("1 May, 2025", date(2025, 5, 1)),
        ("1st of May, 2025", date(2025, 5, 1)),
        ("August 9th, 2026", date(2026, 8, 9)),
        ("May 1st 2025", date(2025, 5, 1)),
        ("1-May-2025", date(2025, 5, 1)),
        ("01-MAY-25", date(2025, 5, 1)),
        ("2025/05/01", date(2025, 5, 1)),
    ],
)
def test_a_signing_date_written_day_first_or_as_an_ordinal_is_read(written: str, day: date) -> None:
    """Legal and hand-typed signature lines write the day first or as an ordinal: each
    was left unread (an honest blank, but 27 to 35% of generated MOAs' dates)."""
    assert find_date(f"Date: {written}")[0] == day


def test_a_day_and_a_month_without_a_year_are_no_date() -> None:
    assert find_date("within 30 days of 1 May of each year")[0] is None
    assert find_date("Section 12 months 2025")[0] is None


NO_BLOCKS = "no signature block found (no signer or date read)"


def test_a_document_whose_signature_blocks_are_not_found_says_so() -> None:
    """A template reworded (``By executing this Agreement``, ``FOR THE PARTICIPATING
    AGENCY:``) gave a record with no signer and no date, and no word of why: its error
    now says no block was found, so a reader knows the signers are unread, not absent."""
    body = [(72, 680 - 20 * n, FILLER) for n in range(4)]
    pages = [
        [(72, 700, "MEMORANDUM OF AGREEMENT"), *body],
        [(72, 700, "By executing this Agreement"), *body],
    ]
    record = parse_moa(make_pdf(pages), "reworded.pdf")
    assert record.signatures == () and record.error == NO_BLOCKS


def test_a_scan_whose_signature_page_is_unreadable_invents_no_signer_from_its_prose() -> None:
    """A scan whose signature page OCR cannot read (sideways, or missing) has no page
    saying "By signing": its first page, prose with a ``Revised 02/15/2025`` footer,
    gave ICE blocks named ``Warrant Service Officer``. A page of prose is no signature
    page for giving a date; only a scan whose own text is a signature's overlay is."""
    first, _second = moa_pages()
    sideways = [(300.0, 700.0 - 12 * i, "lsjd kjsd lkj") for i in range(5)]
    record = parse_moa(make_pdf([[], []]), "scan.pdf", None, FakeOcr(pages=[first, sideways]))
    assert (record.signatures, record.signature_page) == ((), None)
    assert record.error == NO_BLOCKS


def test_a_cover_letter_is_no_signature_page() -> None:
    """A letter saved under a MOA's link: its ``Date:`` line, its mention of ICE and its
    signer (the sheriff) were read as ICE's signing."""
    letter: list[Placed] = [
        (72, 720, "OFFICE OF THE SHERIFF, TEST COUNTY, TEXAS"),
        (72, 690, "Date: March 1, 2025"),
        (72, 660, "To: Field Office Director, Enforcement and Removal Operations"),
        (72, 630, "Please find enclosed our signed Memorandum of Agreement for the 287(g)"),
        (72, 618, "program. We look forward to working with U.S. Immigration and Customs"),
        (72, 606, "Enforcement."),
        (72, 520, "Sincerely,"),
        (72, 480, "Jane Q. Public"),
        (72, 466, "Sheriff"),
    ]
    record = parse_moa(make_pdf([letter]), "letter.pdf")
    assert (record.signatures, record.ice_signed, record.error) == ((), None, NO_BLOCKS)


def test_blocks_holding_no_signer_title_or_date_are_no_block_read() -> None:
    """The signature page's blocks unread (drawn sideways): the appendix after it, whose
    ``For ICE:`` and ``For the LEA:`` contact lines read as blocks with nothing in them,
    gave a record with no error."""
    first, second = moa_pages()
    paragraph = [item for item in second if item[1] >= 640 or item[1] < 100]
    appendix: list[Placed] = [
        (72, 740, "APPENDIX A"),
        (72, 725, "POINTS OF CONTACT"),
        (72, 700, "The ICE and LEA points of contact for purposes of implementation are:"),
        (72, 680, "For ICE: Field Office Director, Enforcement and Removal Operations"),
        (72, 664, "For the LEA: Test County Sheriff's Office"),
        second[-1],
    ]
    record = parse_moa(make_pdf([first, paragraph, appendix]), "x.pdf")
    assert not any(s.name or s.title or s.date for s in record.signatures)
    assert record.error == NO_BLOCKS


def test_a_blank_date_field_takes_no_date_written_below_its_block() -> None:
    """The agency's ``Date:`` left blank (dated by hand): a clerk's line typed under the
    blocks, ``Received ... on April 5, 2025``, was read as the agency's signing."""
    first, second = moa_pages()
    undated = [item for item in second if item[2] != "03/26/2025"]
    received = (72.0, 380.0, "Received by the County Clerk on April 5, 2025")
    record = parse_moa(make_pdf([first, [*undated, received]]), "x.pdf")
    agency = record.signatures[0]
    assert (agency.party, agency.name, agency.date, agency.date_raw) == (
        "agency",
        "Jane Q. Public",
        None,
        None,
    )
    assert record.agency_signed is None and record.ice_signed == date(2025, 4, 2)


NOTARY: list[Placed] = [
    (72, 400, "STATE OF TEXAS, COUNTY OF TEST. Sworn to and subscribed before me."),
    (72, 380, "Name: Sarah B. Notary"),
    (72, 364, "Title: Notary Public"),
    (72, 348, "Date: March 25, 2025"),
]
"""A notary's acknowledgement typed under the agency's block, its date after its fields."""


def test_a_notary_s_fields_under_a_block_are_not_the_signer_s() -> None:
    """A notary's ``Name:`` and ``Title:`` typed under the agency's block: a block holds
    one signer, so a field it already has starts another (the title read ``Sheriff
    Notary Public``)."""
    first, second = moa_pages()
    record = parse_moa(make_pdf([first, [*second, *NOTARY]]), "x.pdf")
    agency = record.signatures[0]
    assert (agency.party, agency.name, agency.title, agency.date) == (
        "agency",
        "Jane Q. Public",
        "Sheriff",
        date(2025, 3, 26),
    )
    assert "Notary Public" not in {s.title for s in record.signatures if s.party != "other"}


@pytest.mark.parametrize("how", ["rotated", "sideways"])
def test_a_signature_page_shown_turned_is_read_in_the_frame_its_text_stands_in(how: str) -> None:
    """A signature page shown landscape by ``/Rotate 90`` keeps its character boxes in
    its own space (its columns were split at the shown width and mixed: ``Craig D.
    Owens Name``, ``Sheriff Title``); a page whose text is drawn sideways (shown
    upright by ``/Rotate``) was read across its lines, and gave blocks with nothing."""
    turned = frozenset({1})
    pdf = make_pdf(
        moa_pages(),
        rotated=turned if how == "rotated" else frozenset(),
        sideways=turned if how == "sideways" else frozenset(),
    )
    record = parse_moa(pdf, "x.pdf")
    assert [(s.party, s.name, s.title, s.date) for s in record.signatures] == [
        ("agency", "Jane Q. Public", "Sheriff", date(2025, 3, 26)),
        ("ice", "Todd M. Lyons", "Acting Director", date(2025, 4, 2)),
    ]
    assert record.error is None
