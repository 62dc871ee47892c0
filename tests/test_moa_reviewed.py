"""The reviewed layer of MOA records (diffs.moa_reviewed): values only a person can
read, kept apart from parser output and marked in every output; ``moa review`` writes
crops and a template, and a filled template is picked up by ``rebuild``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from diffs.moa_reviewed import (
    REVIEWED_FILE,
    ReviewedDocument,
    ReviewedError,
    load_reviewed,
    merge_reviewed,
    parse_reviewed,
)
from tests.conftest import ROOT, Cli

SHA = "ab" * 32
URL = "https://www.ice.gov/doclib/287gMOA/EllisCoTX_JEM_MOA_04.16.2025.pdf"


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sha256": SHA,
        "signatures": [
            {"party": "agency", "name": "Jane Q. Public", "title": None, "date": None},
            {"party": "ice", "name": None, "title": "Acting Director", "date": "2025-04-16"},
        ],
        "ice_signed": "2025-04-16",
        "agency_signed": None,
    }
    return base | changes


def layer(**fields: dict[str, Any]) -> Any:
    return parse_reviewed({SHA: {"file": "x.pdf", **fields}})[SHA]


def test_a_reviewed_date_fills_an_empty_field_and_says_so() -> None:
    entry = layer(**{"agency.date": {"value": "2025-04-07", "page": 11, "note": "by hand"}})
    merged = merge_reviewed(record(), entry)
    agency = merged["signatures"][0]
    assert agency["date"] == "2025-04-07" and agency["reviewed"] == ["date"]
    assert (merged["agency_signed"], merged["agency_signed_source"]) == ("2025-04-07", "reviewed")
    assert (merged["ice_signed"], merged["ice_signed_source"]) == ("2025-04-16", "text")
    assert merged["reviewed"] == {
        "agency.date": {"value": "2025-04-07", "page": 11, "note": "by hand"}
    }


def test_a_reviewed_value_never_replaces_what_the_parser_read() -> None:
    entry = layer(**{"ice.date": {"value": "2025-04-17", "page": 11, "note": ""}})
    merged = merge_reviewed(record(), entry)
    assert merged["ice_signed"] == "2025-04-16" and merged["ice_signed_source"] == "text"
    assert merged["reviewed"]["ice.date"]["parsed"] == "2025-04-16"
    assert "reviewed" not in merged["signatures"][1]


def test_a_reviewed_signer_without_a_parsed_block_gets_a_block() -> None:
    entry = layer(**{"other.name": {"value": "Kris Kobach", "page": 12, "note": "typed"}})
    merged = merge_reviewed(record(), entry)
    assert merged["signatures"][-1] == {
        "party": "other",
        "name": "Kris Kobach",
        "title": None,
        "date": None,
        "reviewed": ["name"],
    }


def test_without_a_review_the_record_only_gains_its_date_sources() -> None:
    ocr = record(signatures=[{"party": "ice", "date": "2025-04-16", "date_ocr": True}])
    merged = merge_reviewed(ocr, None)
    assert merged["ice_signed_source"] == "ocr" and merged["agency_signed_source"] is None
    assert "reviewed" not in merged
    assert {k: v for k, v in merged.items() if not k.endswith("_source")} == ocr


def test_rows_left_empty_are_not_a_review() -> None:
    assert parse_reviewed({SHA: {"ice.date": {"value": "", "page": 3, "note": ""}}}) == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ice.signature": {"value": "x", "page": 1}}, "<agency|ice|other>"),
        ({"ice.date": {"value": "4/8/2025", "page": 1}}, "YYYY-MM-DD"),
        ({"ice.date": {"value": "2025-04-08"}}, "page must be"),
        ({"ice.date": "2025-04-08"}, "needs value"),
    ],
)
def test_a_malformed_review_is_refused_naming_the_entry(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReviewedError, match=message):
        parse_reviewed({SHA: fields})
    with pytest.raises(ReviewedError, match="sha256"):
        parse_reviewed({"not-a-hash": {}})


def test_the_repository_review_file_is_valid_and_says_where_each_value_is() -> None:
    for doc in load_reviewed(REVIEWED_FILE).values():
        assert doc.file.endswith(".pdf")
        for value in doc.values:
            assert value.page >= 1 and value.note


def _manifest(folder: Path, name: str) -> Path:
    path = folder / "observed.csv"
    path.write_text(f"file,observed_at,url\n{name},2025-05-01T12:00:00Z,{URL}\n")
    return path


def test_a_filled_review_template_is_picked_up_by_rebuild(
    cli: Cli, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviewed = tmp_path / "reviewed.toml"
    reviewed.write_text("", encoding="utf-8")  # named, so it must be there: empty, no review
    monkeypatch.setenv("ICE287G_MOA__REVIEWED", str(reviewed))
    monkeypatch.setenv("ICE287G_MOA__OCR", "off")
    pdf = corpus / "moa" / "EllisCoTX_JEM_MOA_04.16.2025.pdf"
    cli("import", str(pdf), "--manifest", str(_manifest(tmp_path, pdf.name)))
    [before] = json.loads(cli("moa", "list", "--format", "json").stdout)
    assert before["agency_signed"] is None and before["reviewed"] == {}

    out = tmp_path / "review"
    shown = cli("moa", "review", str(pdf), "--out", str(out)).stdout
    assert "agency.date" in shown
    crop = out / "EllisCoTX_JEM_MOA_04.16.2025-p7-agency.png"
    assert crop.read_bytes().startswith(b"\x89PNG")
    template = (out / "review.toml").read_text()
    assert '"agency.date" = { value = "", page = 7' in template
    reviewed.write_text(
        template.replace('"agency.date" = { value = ""', '"agency.date" = { value = "2025-04-07"')
    )

    cli("rebuild")
    [after] = json.loads(cli("moa", "list", "--format", "json").stdout)
    assert (after["agency_signed"], after["agency_signed_source"]) == ("2025-04-07", "reviewed")
    assert after["reviewed"]["agency.date"]["page"] == 7
    assert after["ice_signed_source"] == "text"
    again = cli("moa", "review", str(pdf), "--out", str(out)).stdout
    assert "agency.date" not in again


def test_the_readme_review_example_writes_crops_and_a_template(
    sqlite_cli: Cli, corpus: Path, tmp_path: Path
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `ice287g moa review", 1)[1].split("\n### ", 1)[0]
    example = section.split("```sh\n", 1)[1].split("\n", 1)[0]
    args = shlex.split(example)[1:]
    args = [str(tmp_path / "out") if a == "/tmp/moa-review" else a for a in args]
    args = [a.replace("../shared/corpus", str(corpus)) for a in args]
    shown = sqlite_cli(*args).stdout
    assert "287gWSO_SuwanneeCoFl2019-10-15.pdf: unread agency.name" in shown
    assert list((tmp_path / "out").glob("*.png")) and (tmp_path / "out" / "review.toml").exists()


@pytest.mark.parametrize("version", ["9", "10", "123"])
def test_every_moa_cache_key_fits_its_column_and_tells_each_reading_apart(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """The key of a MOA's cached record (the parser's version, the OCR engine's, a
    review's values) fits the 16 characters its column holds, whatever the versions (a
    two-digit parser version made a reviewed document's key 17: PostgreSQL refused it)."""
    from ice287g import pipeline
    from parsers.ocr import Tesseract

    monkeypatch.setattr(pipeline, "MOA", version)
    engine = Tesseract("tesseract", "tess5.3.0-")  # find_tesseract keeps 10 characters
    reviewed = ReviewedDocument(SHA, ())
    keys = [
        pipeline.moa_parser_version(),
        pipeline.moa_parser_version(engine),
        pipeline.moa_parser_version(None, reviewed),
        pipeline.moa_parser_version(engine, reviewed),
    ]
    assert max(map(len, keys)) <= pipeline.VERSION_CHARS and len(set(keys)) == 4
    assert all(key.startswith(version) for key in keys)


def test_a_file_that_cannot_be_rendered_is_named_and_the_others_are_reviewed(
    sqlite_cli: Cli, corpus: Path, tmp_path: Path
) -> None:
    """An error page saved as a PDF among MOAs: named on one line, the files after it
    reviewed and ``review.toml`` written for them, exit 1 (before: the batch stopped at
    it and no ``review.toml`` was written at all)."""
    good = sorted((corpus / "moa").glob("*.pdf"))[:2]
    bad = tmp_path / "error_page.pdf"
    bad.write_bytes(b"<html><body>503 Service Unavailable</body></html>")
    out = tmp_path / "out"
    files = [str(good[0]), str(bad), str(good[1])]
    result = sqlite_cli("moa", "review", "--no-ocr", "--out", str(out), *files, expect=1)
    assert "error_page.pdf" in result.stderr and "1 file(s) not reviewed" in result.stderr
    review = (out / "review.toml").read_text(encoding="utf-8")
    assert good[0].name in review and good[1].name in review and "error_page" not in review
