"""The 287(g) landing page: list links, stated counts, legacy table, MOA links
(parsers.landing_page). Case pages live in tests/cases/html (see make_pages.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.errors import ParseError
from parsers.landing_page import LandingPage, StatedCounts, parse_landing_page, stated_counts
from parsers.list_links import (
    Anchor,
    ListLink,
    find_list_links,
    link_stamp,
    name_stamp,
    pick_list_url,
    text_stamp,
)
from tests.support import RECENT_AGREEMENTS_TABLE
from tests.test_legacy_html import FUZZ, VARIANTS, case_bytes, edits, html_bytes, load_cases, mutate

PAGE = "https://www.ice.gov/identify-and-arrest/287g"
DOCLIB = "https://www.ice.gov/doclib/about/offices/ero/287g/"
LANDING = load_cases("landing")


def links_page(*anchors: str, text: str = "") -> bytes:
    return f"<html><body><p>{text}</p>{''.join(anchors)}</body></html>".encode()


def anchor(href: str, text: str = "Download") -> str:
    return f'<a href="{href}">{text}</a>'


# --------------------------------------------------------------------------- case pages


@pytest.mark.parametrize(("name", "expected"), LANDING, ids=[n for n, _ in LANDING])
def test_case_page(name: str, expected: dict[str, Any]) -> None:
    want = expected["landing"]
    if "error" in want:
        with pytest.raises(ParseError) as caught:
            parse_landing_page(case_bytes(name), expected.get("page_url", PAGE))
        assert want["error"] in caught.value.reason
        return
    got = parse_landing_page(case_bytes(name), expected.get("page_url", PAGE)).to_dict()
    for key, value in want.items():
        if key == "moa_links_count":
            assert len(got["moa_links"]) == value
        elif key == "stated_counts" and value is not None:
            assert {k: got[key][k] for k in value} == value
        else:
            assert got[key] == value, key


def test_2025_page_counts_from_the_seed_wording() -> None:
    page = parse_landing_page(case_bytes("landing_2025"), PAGE)
    assert page.stated_counts == StatedCounts(
        total_moas=444,
        states=38,
        jem=86,
        wso=180,
        tfm=178,
        pending=66,
        as_of=date(2025, 4, 4),
        as_of_raw="April 4, 2025",
    )
    assert page.participating_url == DOCLIB + "participatingAgencies05182026am.xlsx"
    assert not page.has_legacy_table and page.block_reason is None


@pytest.mark.parametrize("name", [n for n, _ in VARIANTS])
def test_2024_pages_hold_the_legacy_table(name: str) -> None:
    page = parse_landing_page(case_bytes(name), dict(VARIANTS)[name]["page_url"])
    assert page.has_legacy_table
    assert (page.participating_url, page.pending_url, page.candidates) == (None, None, ())
    assert len(page.moa_links) == 138
    assert all(u.startswith("https://www.ice.gov/doclib/287gMOA/") for u in page.moa_links)
    assert list(page.moa_links) == sorted(set(page.moa_links))


def test_page_without_list_links_lists_its_candidates() -> None:
    page = parse_landing_page(case_bytes("landing_no_links"), PAGE)
    assert page.participating_url is None and page.pending_url is None
    assert page.candidates == (DOCLIB + "detentionStats.xlsx", DOCLIB + "removals.csv")


def test_block_page() -> None:
    page = parse_landing_page(case_bytes("access_denied"), PAGE)
    assert page == LandingPage(None, None, title="Access Denied", block_reason="Access Denied")


@pytest.mark.parametrize(
    "title", ["403 Forbidden", "Page Not Found | ICE", "Just a moment...", "502 Bad Gateway"]
)
def test_error_pages_name_themselves(title: str) -> None:
    page = parse_landing_page(f"<title>{title}</title><h1>Sorry</h1>".encode(), PAGE)
    assert page.block_reason == title


def test_a_page_with_list_links_is_never_a_block_page() -> None:
    html = links_page(anchor("/d/participatingAgencies.xlsx")).replace(
        b"<html>", b"<html><title>Not Found? No: 287(g)</title>"
    )
    page = parse_landing_page(html, PAGE)
    assert page.participating_url and page.block_reason is None


# --------------------------------------------------------------------------- link matching


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/doclib/about/offices/ero/287g/participatingAgencies05182026am.xlsx", None),
        ("287gParticipatingAgencies091526pm.xlsx", None),
        (
            "https://www.ice.gov/doclib/about/offices/ero/287g/ParticipatingAgency091826am.XLSX",
            None,
        ),
        ("/doclib/about/offices/ero/287g/participatingAgencies04212026am 12.15.07 AM.xlsx", None),
        (
            "/doclib/about/offices/ero/287g/participatingAgencies04212026am%2012.15.07%20AM.xlsx",
            None,
        ),
        ("/doclib/participating%20agencies.csv", None),
        ("/doclib/list.xls", "View 287(g) Participating Agencies"),
    ],
)
def test_participating_link_forms(href: str, expected: str | None) -> None:
    page = parse_landing_page(links_page(anchor(href, expected or "Download")), PAGE)
    assert page.participating_url is not None
    assert page.participating_url.startswith("https://www.ice.gov/")
    assert " " not in page.participating_url and "%2520" not in page.participating_url
    assert page.pending_url is None
    assert page.candidates == (page.participating_url,)


def test_spaces_are_encoded_once() -> None:
    raw = anchor("/d/participatingAgencies04212026am 12.15.07 AM.xlsx")
    encoded = anchor("/d/participatingAgencies04212026am%2012.15.07%20AM.xlsx")
    page = parse_landing_page(links_page(raw, encoded), PAGE)
    url = "https://www.ice.gov/d/participatingAgencies04212026am%2012.15.07%20AM.xlsx"
    assert page.participating_url == url
    assert page.candidates == (url,)


def test_distractors_are_not_lists() -> None:
    page = parse_landing_page(
        links_page(
            anchor("/doclib/participatingAgenciesFAQ.pdf", "Participating agencies FAQ"),
            anchor("/doclib/spendingReport.xlsx", "Spending"),
            anchor("/doclib/participating.html", "Participating agencies"),
            anchor("mailto:ERO287g@ice.dhs.gov", "participating.xlsx"),
        ),
        PAGE,
    )
    assert (page.participating_url, page.pending_url) == (None, None)
    assert page.candidates == ("https://www.ice.gov/doclib/spendingReport.xlsx",)


def test_preference_text_then_stamp_then_order() -> None:
    older_named = anchor("/d/participatingAgencies01012026am.xlsx", "View Participating Agencies")
    newer = anchor("/d/participatingAgencies05182026pm.xlsx")
    newest_am = anchor("/d/participatingAgencies05192026am.xlsx")
    undated = anchor("/d/participatingAgencies.xlsx")
    assert parse_landing_page(links_page(newer, older_named), PAGE).participating_url == (
        "https://www.ice.gov/d/participatingAgencies01012026am.xlsx"
    )
    assert parse_landing_page(links_page(undated, newer, newest_am), PAGE).participating_url == (
        "https://www.ice.gov/d/participatingAgencies05192026am.xlsx"
    )
    first, second = anchor("/d/b/participating.xlsx"), anchor("/d/a/participating.xlsx")
    assert parse_landing_page(links_page(first, second), PAGE).participating_url == (
        "https://www.ice.gov/d/b/participating.xlsx"
    )


def test_same_day_pm_beats_am() -> None:
    links = find_list_links(
        [
            Anchor(DOCLIB + "participatingAgencies05182026am.xlsx", ""),
            Anchor(DOCLIB + "participatingAgencies05182026pm.xlsx", ""),
        ]
    )
    assert pick_list_url(links, "participating") == DOCLIB + "participatingAgencies05182026pm.xlsx"
    assert pick_list_url(links, "pending") is None


def test_link_kind_comes_from_name_before_text() -> None:
    (link,) = find_list_links([Anchor(DOCLIB + "pendingAgencies.xlsx", "Participating agencies")])
    assert link == ListLink(DOCLIB + "pendingAgencies.xlsx", "Participating agencies", "pending", 0)
    assert not link.text_says_kind


def test_wayback_capture_links_are_unwrapped() -> None:
    capture = "https://web.archive.org/web/20250518000000/" + PAGE
    href = "/web/20250518000000/https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies05182026am.xlsx"
    page = parse_landing_page(links_page(anchor(href, "View 287(g) Pending Agencies")), capture)
    assert page.pending_url == DOCLIB + "pendingAgencies05182026am.xlsx"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("participatingAgencies05182026am.xlsx", (date(2026, 5, 18), 0)),
        ("287gParticipatingAgencies091526pm.xlsx", (date(2026, 9, 15), 1)),
        ("ParticipatingAgency091826am.xlsx", (date(2026, 9, 18), 0)),
        ("participatingAgencies04212026am 12.15.07 AM.xlsx", (date(2026, 4, 21), 0)),
        ("participating_2025-09-15.xlsx", (date(2025, 9, 15), 0)),
        ("participating20250915.xlsx", (date(2025, 9, 15), 0)),
        ("participatingAgencies.xlsx", None),
        ("participating99999999.xlsx", None),
    ],
)
def test_name_stamp(name: str, expected: tuple[date, int] | None) -> None:
    assert name_stamp(name) == expected


# --------------------------------------------------------------------------- counts


def test_counts_in_the_brief_wording_with_commas() -> None:
    text = (
        "As of 05/18/2026, ICE has 1,444 Memorandums of Agreement (MOAs) in 38 states. "
        "286 Jail Enforcement Model, 1,180 Warrant Service Officer, 178 Task Force Model. "
        "There are 66 pending applications."
    )
    assert stated_counts(text) == StatedCounts(
        1444, 38, 286, 1180, 178, 66, date(2026, 5, 18), "05/18/2026"
    )


def test_counts_2024_wording() -> None:
    text = (
        "As of May 2024, ICE has 287(g) JEM agreements with 60 law enforcement agencies in 16 "
        "states. ICE also has 287(g) WSO with 75 law enforcement agencies in 11 states."
    )
    assert stated_counts(text) == StatedCounts(jem=60, wso=75, as_of_raw="May 2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pending applications: 1,066", StatedCounts(pending=1066)),
        ("ICE has 444 MOAs across 38 states", StatedCounts(total_moas=444, states=38)),
        ("FY 2025 MOA Name Meeting Date", None),
        ("On January 20, 2025 pending legislation", None),
        ("Nothing stated here.", None),
        ("", None),
    ],
)
def test_counts_tolerate_wording(text: str, expected: StatedCounts | None) -> None:
    assert stated_counts(text) == expected


def test_to_dict_is_json_ready() -> None:
    page = parse_landing_page(case_bytes("landing_2025"), PAGE)
    data = page.to_dict()
    assert data["stated_counts"]["as_of"] == "2025-04-04"
    assert isinstance(data["candidates"], list) and isinstance(data["moa_links"], list)


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "data", [b"", b"PK\x03\x04xx", b"%PDF-1.4", b"plain words", bytes(range(256))]
)
def test_non_html_raises_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        parse_landing_page(data, PAGE)
    assert caught.value.source == PAGE


def only_parse_error(data: bytes, page_url: str = PAGE) -> None:
    try:
        page = parse_landing_page(data, page_url)
    except ParseError:
        return
    for url in (page.participating_url, page.pending_url, *page.candidates, *page.moa_links):
        assert url is None or url.startswith(("http://", "https://"))
    assert page.participating_url is None or page.participating_url in page.candidates


@FUZZ
@given(
    html_bytes, st.sampled_from([PAGE, "https://web.archive.org/web/1/" + PAGE, "not a url", ""])
)
def test_random_html_raises_only_parse_error(data: bytes, page_url: str) -> None:
    only_parse_error(data, page_url)


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes_raise_only_parse_error(data: bytes) -> None:
    only_parse_error(data)


@FUZZ
@given(st.sampled_from(["landing_2025", "landing_drift", "may2024_plain"]), edits)
def test_mutated_pages_raise_only_parse_error(
    name: str, cuts: list[tuple[int, int, bytes]]
) -> None:
    only_parse_error(mutate(case_bytes(name), cuts))


# --------------------------------------------------------------------------- new markup

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def lists_of(*anchors: str, head: str = "") -> tuple[str | None, str | None]:
    html = links_page(*anchors).replace(b"<html>", f"<html><head>{head}</head>".encode())
    page = parse_landing_page(html, PAGE)
    return page.participating_url, page.pending_url


def test_a_download_link_without_an_extension_is_a_list_link_when_its_text_says_spreadsheet() -> (
    None
):
    got = lists_of(
        anchor("/media/12345/download?inline", "Participating Agencies (XLSX, 52 KB)"),
        anchor("/media/12346/download", "Pending agencies (Excel spreadsheet)"),
    )
    assert got == (
        "https://www.ice.gov/media/12345/download?inline",
        "https://www.ice.gov/media/12346/download",
    )


def test_a_link_whose_type_attribute_is_a_spreadsheet_mime_type_is_a_list_link() -> None:
    link = f'<a href="/doclib/287g/participating" type="{XLSX_TYPE}">Participating agencies</a>'
    assert lists_of(link) == ("https://www.ice.gov/doclib/287g/participating", None)


def test_a_download_attribute_naming_a_spreadsheet_makes_a_list_link_and_gives_its_kind() -> None:
    link = '<a href="/media/1/download" download="pendingAgencies12012026.xlsx">Download</a>'
    assert lists_of(link) == (None, "https://www.ice.gov/media/1/download")
    media = "https://www.ice.gov/media/1/download"
    (found,) = find_list_links([Anchor(media, "Download", download="pendingAgencies12012026.xlsx")])
    assert found.kind == "pending" and link_stamp(found) == (date(2026, 12, 1), 0)


def test_a_link_that_declares_another_type_is_not_a_list_even_when_its_text_says_excel() -> None:
    page = parse_landing_page(
        links_page(
            anchor("/doclib/howto.pdf", "How to open the participating agencies spreadsheet"),
            anchor("/help/lists.html", "Participating agencies (Excel)"),
            '<a href="/doclib/p" type="application/pdf">Participating agencies (XLSX)</a>',
            anchor("/about/participating", "Participating agencies"),
        ),
        PAGE,
    )
    assert (page.participating_url, page.pending_url, page.candidates) == (None, None, ())


def test_a_generic_download_type_does_not_hide_what_the_text_says() -> None:
    link = '<a href="/media/7/download" type="application/octet-stream">Pending (CSV)</a>'
    assert lists_of(link) == (None, "https://www.ice.gov/media/7/download")


@pytest.mark.parametrize(
    "inner",
    [
        "<span>Participating</span> <span>Agencies</span>",
        "<div>Participating</div><div>Agencies</div>",
        '<svg aria-hidden="true"></svg><span class="usa-sr-only">Participating agencies</span>',
        '<img src="/icon.png" alt="Participating agencies">',
    ],
)
def test_link_text_split_across_child_elements_or_in_an_image_alt_names_the_list(
    inner: str,
) -> None:
    assert lists_of(f'<a href="/d/list.xlsx">{inner}</a>')[0] == "https://www.ice.gov/d/list.xlsx"


@pytest.mark.parametrize("attribute", ["aria-label", "title"])
def test_an_icon_link_is_named_by_its_aria_label_or_title(attribute: str) -> None:
    link = (
        f'<a href="/media/9/download" {attribute}="Download the list of pending agencies (XLSX)">'
        '<i class="icon-download"></i></a>'
    )
    assert lists_of(link) == (None, "https://www.ice.gov/media/9/download")


def test_the_kind_comes_from_the_file_name_then_the_text_then_the_label() -> None:
    links = find_list_links(
        [
            Anchor(DOCLIB + "pendingAgencies.xlsx", "Participating agencies", "Participating"),
            Anchor(DOCLIB + "list.xlsx", "Participating agencies", "Pending agencies"),
            Anchor(DOCLIB + "list2.xlsx", "Download", "Pending agencies"),
            Anchor("https://www.ice.gov/m/1/download", "Get it", "", "", "pending list.xlsx"),
        ]
    )
    assert [link.kind for link in links] == ["pending", "participating", "pending", "pending"]
    assert [link.text_says_kind for link in links] == [False, True, True, False]


def test_a_link_called_previous_loses_to_the_current_one_even_with_a_later_stamp() -> None:
    current = anchor("/d/participatingAgencies05182026am.xlsx", "Participating Agencies")
    older = anchor("/d/participatingAgencies07012026am.xlsx", "Previous participating agencies")
    assert lists_of(older, current)[0] == (
        "https://www.ice.gov/d/participatingAgencies05182026am.xlsx"
    )


@pytest.mark.parametrize(
    ("href", "text"),
    [
        ("/d/terminatedParticipatingAgencies06012026am.xlsx", "Participating agencies (June 1)"),
        ("/d/list2.xlsx", "Participating agencies that withdrew (06/01/2026)"),
        ("/d/participatingAgencies06012026am.xlsx", "Terminated 287(g) agreements"),
        ("/d/pendingAgencies06012026am.xlsx", "Denied or withdrawn pending applications"),
    ],
)
def test_a_list_of_ended_agreements_is_never_taken_for_the_list(href: str, text: str) -> None:
    current = anchor("/d/participatingAgencies05182026am.xlsx", "Participating Agencies")
    pending = anchor("/d/pendingAgencies05182026am.xlsx", "Pending Agencies")
    assert lists_of(anchor(href, text), current, pending) == (
        "https://www.ice.gov/d/participatingAgencies05182026am.xlsx",
        "https://www.ice.gov/d/pendingAgencies05182026am.xlsx",
    )


def test_a_link_naming_both_lists_serves_each_list_no_link_of_its_own_names() -> None:
    both = anchor("/d/287gAgencies.xlsx", "Participating and Pending Agencies (XLSX)")
    whole = "https://www.ice.gov/d/287gAgencies.xlsx"
    assert lists_of(both) == (whole, whole)
    participating = anchor("/d/participatingAgencies05182026am.xlsx", "Participating Agencies")
    assert lists_of(participating, both) == (
        "https://www.ice.gov/d/participatingAgencies05182026am.xlsx",
        whole,
    )
    other = anchor("/d/287gAgencies2.xlsx", "Participating and pending agencies, May")
    assert lists_of(both, other) == (None, None)  # two files: neither is known to be both
    ended = anchor("/d/x.xlsx", "Terminated participating and pending agencies")
    assert lists_of(ended) == (None, None)


def test_a_page_without_list_links_names_the_pages_named_for_the_lists() -> None:
    """Same-site pages whose words name a list, in page order; not a document, not a list
    of ended agreements, not another site, not the page itself."""
    html = links_page(
        anchor("/287g/agencies", "Participating agencies"),
        anchor("/287g/pending#top", "View the pending applications"),
        anchor("/287g/ended", "Terminated participating agencies"),
        anchor("/d/report.pdf", "Participating agencies report"),
        anchor("https://www.dhs.gov/287g", "Participating agencies at DHS"),
        anchor("/news", "News"),
    )
    page = parse_landing_page(html, PAGE)
    assert page.participating_url is None and page.block_reason is None
    assert page.list_pages == (
        "https://www.ice.gov/287g/agencies",
        "https://www.ice.gov/287g/pending",
    )
    with_list = links_page(anchor("/d/participatingAgencies.xlsx", "Participating"))
    assert parse_landing_page(with_list + html, PAGE).list_pages == ()


def test_an_unstamped_current_list_beats_an_archived_stamped_one() -> None:
    current = anchor("/media/2/download", "Participating Agencies (XLSX)")
    older = anchor("/d/participatingAgencies03012026am.xlsx", "Archived participating agencies")
    assert lists_of(older, current)[0] == "https://www.ice.gov/media/2/download"


@pytest.mark.parametrize("word", ["Previous", "Archived", "Old", "Former", "Prior", "Earlier"])
def test_words_calling_a_link_older_lower_its_preference(word: str) -> None:
    older = anchor("/d/a/participating.xlsx", f"{word} participating agencies list")
    current = anchor("/d/b/participating.xlsx", "Participating agencies list")
    assert lists_of(older, current)[0] == "https://www.ice.gov/d/b/participating.xlsx"


def test_a_date_in_the_link_text_counts_as_a_stamp() -> None:
    march = anchor("/d/a.xlsx", "Participating agencies (March 2026)")
    may = anchor("/d/b.xlsx", "Participating agencies (May 18, 2026)")
    slashes = anchor("/d/c.xlsx", "Participating agencies as of 05/20/2026")
    assert lists_of(march, may)[0] == "https://www.ice.gov/d/b.xlsx"
    assert lists_of(march, may, slashes)[0] == "https://www.ice.gov/d/c.xlsx"


def test_a_file_name_stamp_outranks_a_date_in_the_text() -> None:
    anchor = Anchor(DOCLIB + "participating05182026pm.xlsx", "List (March 2026)")
    (link,) = find_list_links([anchor])
    assert link_stamp(link) == (date(2026, 5, 18), 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Participating agencies (March 2026)", (date(2026, 3, 1), 0)),
        ("Updated Sept. 3rd, 2026", (date(2026, 9, 3), 0)),
        ("as of 5/18/26", (date(2026, 5, 18), 0)),
        ("participatingAgencies05182026pm", (date(2026, 5, 18), 1)),
        ("Participating Agencies (XLSX, 52 KB)", None),
        ("Mayor 2026 list", None),
        ("13/45/2026", None),
    ],
)
def test_text_stamp(text: str, expected: tuple[date, int] | None) -> None:
    assert text_stamp(text) == expected


@pytest.mark.parametrize(
    ("href", "head", "expected"),
    [
        ("../doclib/287g/../287g/participatingAgencies.xlsx", "", "/doclib/287g/"),
        ("//www.ice.gov/doclib/participatingAgencies.xlsx", "", "/doclib/"),
        ("/doclib/PARTICIPATINGAGENCIES.XLSX", "", "/doclib/PARTICIPATINGAGENCIES.XLSX"),
        (
            "/doclib/participating agencies%20list.xlsx",
            "",
            "/doclib/participating%20agencies%20list.xlsx",
        ),
        (
            "/doclib/participatingAgencies.xlsx?v=3&amp;x=1",
            "",
            "/doclib/participatingAgencies.xlsx?v=3&x=1",
        ),
        (
            "participatingAgencies.xlsx",
            '<base href="https://www.ice.gov/doclib/287g/">',
            "/doclib/287g/",
        ),
        ("participatingAgencies.xlsx", '<base href="/doclib/x/">', "/doclib/x/"),
    ],
)
def test_relative_protocol_relative_uppercase_spaced_and_based_links_resolve(
    href: str, head: str, expected: str
) -> None:
    participating, _ = lists_of(anchor(href), head=head)
    assert participating is not None
    assert participating.startswith("https://www.ice.gov" + expected)


@pytest.mark.parametrize(
    "wrap",
    [
        "<details><summary>Lists</summary>{}</details>",
        '<div class="usa-accordion__content" hidden>{}</div>',
        "<noscript>{}</noscript>",
        "<template>{}</template>",
        "<template><div><template>{}</template></div></template>",
    ],
)
def test_list_links_inside_accordions_noscript_and_templates_are_found(wrap: str) -> None:
    inner = anchor(DOCLIB + "pendingAgencies.xlsx", "Pending agencies")
    assert lists_of(wrap.format(inner)) == (None, DOCLIB + "pendingAgencies.xlsx")


def test_a_link_repeated_in_the_mobile_and_desktop_menus_is_one_candidate() -> None:
    link = anchor("/d/participatingAgencies.xlsx", "Participating")
    html = links_page(f'<nav class="mobile">{link}</nav>', f'<nav class="desktop">{link}</nav>')
    page = parse_landing_page(html, PAGE)
    assert page.candidates == ("https://www.ice.gov/d/participatingAgencies.xlsx",)


_DECORATIONS = {
    "spans": lambda h, t, a: (h, f"<span>{t}</span> <span></span>", a),
    "icon": lambda h, t, a: (h, f'<svg aria-hidden="true"></svg>{t}', a),
    "aria": lambda h, t, a: (h, t, a + ' aria-label="Download"'),
    "title": lambda h, t, a: (h, t, a + ' title="Opens a spreadsheet"'),
    "query": lambda h, t, a: (h + "?v=2", t, a),
    "upper": lambda h, t, a: (h[: h.rindex(".")] + h[h.rindex(".") :].upper(), t, a),
    "mime": lambda h, t, a: (h, t, a + f' type="{XLSX_TYPE}"'),
}
_WRAPS = ("{}", "<details>{}</details>", "<noscript>{}</noscript>", "<template>{}</template>")


@given(
    st.sampled_from(
        [
            ("/doclib/287g/participatingAgencies05182026am.xlsx", "Download", "participating"),
            ("/doclib/287g/list.xlsx", "View Pending Agencies", "pending"),
            ("/doclib/287g/287gParticipatingAgencies091526pm.xlsx", "XLSX", "participating"),
        ]
    ),
    st.lists(st.sampled_from(sorted(_DECORATIONS)), unique=True),
    st.sampled_from(_WRAPS),
    st.sampled_from(["", "https://www.ice.gov", "//www.ice.gov", "HTTPS://WWW.ICE.GOV"]),
)
def test_any_decoration_of_a_list_link_keeps_it_found_with_the_same_kind(
    link: tuple[str, str, str], decorations: list[str], wrap: str, origin: str
) -> None:
    href, text, kind = link
    href = origin + href
    attrs = ""
    for name in decorations:
        href, text, attrs = _DECORATIONS[name](href, text, attrs)
    html = links_page(wrap.format(f'<a href="{href}"{attrs}>{text}</a>'))
    page = parse_landing_page(html, PAGE)
    url = page.participating_url if kind == "participating" else page.pending_url
    assert url is not None and url.startswith("https://www.ice.gov/doclib/287g/")
    assert (page.pending_url if kind == "participating" else page.participating_url) is None


# --------------------------------------------------------------------------- parts


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("/d/p1.xlsx", "Participating Agencies - JEM"),
         ("/d/p2.xlsx", "Participating Agencies - Task Force Model")),
        (("/d/participatingAgenciesJEM.xlsx", "Participating Agencies"),
         ("/d/participatingAgencies_WSO.xlsx", "Participating Agencies")),
        (("/d/p1.xlsx", "Participating Agencies: Texas"),
         ("/d/p2.xlsx", "Participating Agencies: Florida")),
    ],
)  # fmt: skip
def test_links_naming_different_models_or_states_are_parts_and_no_one_of_them_is_taken(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    """A part read as the whole list would withdraw every agreement of the others."""
    pending = anchor("/d/pendingAgencies.xlsx", "Pending Agencies")
    page = parse_landing_page(links_page(anchor(*first), anchor(*second), pending), PAGE)
    assert page.participating_url is None
    assert page.parts == {"participating": ("https://www.ice.gov" + first[0],
                                            "https://www.ice.gov" + second[0])}  # fmt: skip
    assert page.pending_url == "https://www.ice.gov/d/pendingAgencies.xlsx"
    assert page.to_dict()["parts"] == {"participating": list(page.parts["participating"])}


@pytest.mark.parametrize(
    "links",
    [
        # versions: the same list, one called older
        [("/d/participating05012026.xlsx", "Participating"),
         ("/d/participating06012026.xlsx", "Previous participating")],
        # one link names no part: it may be the whole list
        [("/d/participating.xlsx", "Participating Agencies"),
         ("/d/participatingJEM.xlsx", "Participating Agencies (JEM)")],
        # both name the same models: versions
        [("/d/a.xlsx", "Participating Agencies (JEM, TFM and WSO)"),
         ("/d/b.xlsx", "Participating Agencies (JEM, TFM and WSO) May 2026")],
    ],
)  # fmt: skip
def test_links_that_do_not_split_the_list_are_versions_and_the_newest_is_taken(
    links: list[tuple[str, str]],
) -> None:
    page = parse_landing_page(links_page(*(anchor(*link) for link in links)), PAGE)
    assert page.parts == {} and page.participating_url is not None


def test_beside_its_parts_the_link_naming_no_part_is_the_whole_list() -> None:
    parts = [anchor("/d/pJEM.xlsx", "Participating Agencies - JEM"),
             anchor("/d/pTFM.xlsx", "Participating Agencies - Task Force Model")]  # fmt: skip
    whole = anchor("/d/participating.xlsx", "All Participating Agencies")
    for order in ([*parts, whole], [whole, *parts]):
        page = parse_landing_page(links_page(*order), PAGE)
        assert page.parts == {}
        assert page.participating_url == "https://www.ice.gov/d/participating.xlsx"


# A link names the whole list only when its words (text, label, file names split at case
# changes and separators) name the list and nothing narrower; a narrower one is never
# taken, however new its date; when only narrower ones are linked, no whole list is found.

WHOLE_URL = DOCLIB + "participatingAgencies02272025pm.xlsx"
WHOLE = anchor(WHOLE_URL, "View 287(g) Participating Agencies")
PENDING = anchor(DOCLIB + "pendingAgencies02272025pm.xlsx", "View 287(g) Pending Agencies")


@pytest.mark.parametrize(
    ("href", "text"),
    [
        ("participatingAgenciesJEM02282025am.xlsx",
         "287(g) Participating Agencies - Jail Enforcement Model"),
        ("participatingAgenciesJEM02282025am.xlsx", "287(g) Participating Agencies"),
        ("participatingAgencies03012025.xlsx", "Participating Agencies: Task Force Model"),
        ("participatingAgenciesByState03012025.xlsx", "Participating agencies by state (summary)"),
        ("participatingAgencies03012025.xlsx", "Participating agencies: summary"),
        ("participatingAgenciesStatistics03012025.xlsx", "Participating agencies"),
        ("participatingAgencies_count_03012025.xlsx", "Participating agencies"),
        ("participatingAgenciesTexas03012025.xlsx", "Participating agencies"),
    ],
)  # fmt: skip
def test_a_link_naming_a_model_a_state_or_a_summary_is_never_taken_beside_the_whole_list(
    href: str, text: str
) -> None:
    """Dated after the whole list or not, first on the page or last: the whole is read."""
    narrow = anchor(DOCLIB + href, text)
    for order in ([WHOLE, narrow, PENDING], [narrow, WHOLE, PENDING]):
        page = parse_landing_page(links_page(*order), PAGE)
        assert page.participating_url == WHOLE_URL
        assert page.parts == {} and page.rivals == {}


@pytest.mark.parametrize(
    ("href", "text"),
    [
        ("/media/9/download", "Non-participating agencies (XLSX)"),
        (DOCLIB + "nonParticipatingAgencies03012025.xlsx", "Download"),
        (DOCLIB + "nonparticipatingagencies03012025.xlsx", "Download"),
        (DOCLIB + "agenciesNoLongerParticipating03012025.xlsx", "Download"),
        (DOCLIB + "a03012025.xlsx", "Agencies no longer participating"),
        (DOCLIB + "formerlyParticipating03012025.xlsx", "Formerly participating agencies"),
        (DOCLIB + "a03012025.xlsx", "Former participating agencies"),
        (DOCLIB + "a03012025.xlsx", "Previously participating agencies"),
        (DOCLIB + "a03012025.xlsx", "Agencies not participating"),
        # applications decided are pending no more, as denied ones (helper 49)
        (DOCLIB + "a03012025.xlsx", "Approved pending applications"),
        (DOCLIB + "pendingApplicationsApproved03012025.xlsx", "Download"),
    ],
)
def test_a_link_saying_its_agencies_no_longer_participate_is_neither_list(
    href: str, text: str
) -> None:
    """However new its date, beside the list or alone."""
    other = anchor(href, text)
    (link,) = find_list_links([Anchor(href if "://" in href else "https://www.ice.gov" + href,
                                      text)])  # fmt: skip
    assert link.kind is None and not link.both
    page = parse_landing_page(links_page(WHOLE, other, PENDING), PAGE)
    assert page.participating_url == WHOLE_URL and page.rivals == {}
    alone = parse_landing_page(links_page(other), PAGE)
    assert alone.participating_url is None and alone.pending_url is None and alone.parts == {}


def test_a_link_calling_itself_an_earlier_version_is_still_a_version_not_ended() -> None:
    """``Previous``/``Former list`` say an older file of the list, not agencies gone."""
    for text in ("Previous participating agencies list", "Former list of participating agencies"):
        (link,) = find_list_links([Anchor(DOCLIB + "p.xlsx", text)])
        assert link.kind == "participating" and link.says_older


@pytest.mark.parametrize(
    "links",
    [
        [("/d/participatingAgenciesJEM02282025am.xlsx", "Participating Agencies - JEM")],
        [("/d/participatingAgenciesJEM.xlsx", "Download")],
        [("/d/participatingByState.xlsx", "Participating agencies by state (summary)")],
        # the only current link is a part; the one naming another model is older
        [("/d/participatingJEM.xlsx", "Participating (JEM)"),
         ("/d/participatingTFM.xlsx", "Previous participating (TFM)")],
    ],
)  # fmt: skip
def test_when_the_only_links_to_a_list_are_parts_no_whole_list_is_found(
    links: list[tuple[str, str]],
) -> None:
    """A part is never read as the whole: the list's URL is None, its parts are named
    (the current ones) and the other list is still found."""
    page = parse_landing_page(links_page(*(anchor(*link) for link in links), PENDING), PAGE)
    assert page.participating_url is None
    assert page.parts == {"participating": ("https://www.ice.gov" + links[0][0],)}
    assert page.pending_url == DOCLIB + "pendingAgencies02272025pm.xlsx"
    assert not page.has_legacy_table


def test_a_lone_link_whose_words_name_the_whole_list_is_it_whatever_its_file_name() -> None:
    """A name left over from an upload (``participatingAgenciesTFM.xlsx`` behind
    ``Participating Agencies``) does not make the page's only link a part; beside
    another link, the file name counts."""
    lone = anchor("/d/participatingAgenciesTFM.xlsx", "Participating Agencies")
    page = parse_landing_page(links_page(lone, PENDING), PAGE)
    assert page.participating_url == "https://www.ice.gov/d/participatingAgenciesTFM.xlsx"
    page = parse_landing_page(links_page(lone, WHOLE, PENDING), PAGE)
    assert page.participating_url == WHOLE_URL


def test_a_link_naming_all_three_models_names_the_whole_list() -> None:
    whole = anchor("/d/p.xlsx", "Participating Agencies (JEM, Task Force Model and WSO)")
    page = parse_landing_page(links_page(whole), PAGE)
    assert page.participating_url == "https://www.ice.gov/d/p.xlsx" and page.parts == {}


# The page's inline table is the list only in the era the page held its list inline: a
# page linking the participating list as a file, or linking files it does not name,
# holds no list inline, whatever table it shows.

RECENT = RECENT_AGREEMENTS_TABLE


def test_a_table_beside_links_to_files_the_page_does_not_name_is_not_the_list() -> None:
    downloads = anchor("/media/101/download") + anchor("/media/102/download", "XLSX, 52 KB")
    page = parse_landing_page(links_page(RECENT, downloads), PAGE)
    assert not page.has_legacy_table
    assert page.participating_url is None and page.pending_url is None
    assert page.unnamed_files == (
        "https://www.ice.gov/media/101/download",
        "https://www.ice.gov/media/102/download",
    )
    assert page.to_dict()["unnamed_files"] == list(page.unnamed_files)


def test_a_table_beside_a_link_to_the_participating_list_or_its_parts_is_not_the_list() -> None:
    for links in (WHOLE, anchor("/d/participatingJEM.xlsx", "Participating Agencies - JEM")):
        page = parse_landing_page(links_page(RECENT, links, PENDING), PAGE)
        assert not page.has_legacy_table


def test_a_legacy_era_page_with_its_table_and_no_list_file_is_still_the_list() -> None:
    """Its MOA links, a named PDF ``Download`` and a download in a table's cell are no
    unnamed list files; a pending link alone leaves the participating list inline."""
    others = (
        anchor("/doclib/about/offices/ero/287g/factsheet.pdf", "Download")
        + anchor("/media/7/download", "287(g) fact sheet (PDF)")
        + "<table><tr><td>" + anchor("/media/8/download") + "</td></tr></table>"
    )  # fmt: skip
    for extra in ("", others, PENDING):
        page = parse_landing_page(links_page(RECENT, extra), PAGE)
        assert page.has_legacy_table and page.unnamed_files == ()
    assert parse_landing_page(case_bytes("may2024_plain"), PAGE).has_legacy_table


@pytest.mark.parametrize(
    "text",
    [
        "Participating Agencies (updated count 1,043)",
        "287g Participating Agencies Summary Spreadsheet",
        "Participating Agencies (Jail Enforcement Model and Warrant Service Officer)",
        "Participating agencies, including those in Washington, D.C.",
        "Participating Agencies (Georgia and Florida lead)",
    ],
)
def test_the_only_link_to_a_list_is_the_list_whatever_remark_it_makes(text: str) -> None:
    """A lone link naming the list with a remark (a count, a summary, the two models of
    its era, the places it includes) is the list: each was taken for a part, and every
    pass failed (helper 53). A remark in parentheses or a phrase saying what it
    includes is a note on the link, not what it holds."""
    page = parse_landing_page(links_page(anchor(DOCLIB + "p.xlsx", text), PENDING), PAGE)
    assert page.participating_url == DOCLIB + "p.xlsx"
    assert page.parts == {}


@pytest.mark.parametrize(
    "text",
    [
        "Pending Applications (approved applications removed weekly)",
        "Pending requests (applications accepted through June 30)",
        "Pending Agencies (agencies previously participating may reapply)",
    ],
)
def test_a_remark_on_a_list_link_says_nothing_of_what_it_holds(text: str) -> None:
    """The pending list's link noting what leaves it is the pending list (it was read
    as applications decided, or agencies gone: helper 53)."""
    pending = anchor(DOCLIB + "pendingAgencies.xlsx", text)
    page = parse_landing_page(links_page(WHOLE, pending), PAGE)
    assert page.pending_url == DOCLIB + "pendingAgencies.xlsx"


def test_a_state_s_part_named_by_its_code_is_never_the_whole_list() -> None:
    """``participatingAgenciesTX....xlsx``, ``Participating Agencies (TX)``, dated after
    the whole list: the whole is read (the part was, and the real list was never
    fetched again: helper 53)."""
    part = anchor(DOCLIB + "participatingAgenciesTX02282025am.xlsx", "Participating Agencies (TX)")
    page = parse_landing_page(links_page(WHOLE, part, PENDING), PAGE)
    assert page.participating_url == WHOLE_URL
