"""Which link of the 287(g) page is the whole participating list and which the whole
pending list (parsers.list_links), by hand-made pages: words beside the list's name that
narrow it (a qualifier) against words that only describe the file; state codes in file
names; a pending list whose decided applications were removed."""

from __future__ import annotations

import pytest

from parsers.landing_page import parse_landing_page
from parsers.list_links import Anchor, find_list_links

PAGE = "https://www.ice.gov/identify-and-arrest/287g"
SITE = "https://www.ice.gov"
DOCLIB = SITE + "/doclib/about/offices/ero/287g/"
WHOLE_URL = DOCLIB + "participatingAgencies02272025pm.xlsx"
PENDING_URL = DOCLIB + "pendingAgencies02272025pm.xlsx"


def anchor(href: str, text: str = "Download") -> str:
    return f'<a href="{href}">{text}</a>'


WHOLE = anchor(WHOLE_URL, "View 287(g) Participating Agencies")
PENDING = anchor(PENDING_URL, "View 287(g) Pending Agencies")


def page(*anchors: str) -> bytes:
    return f"<html><body>{''.join(f'<p>{a}</p>' for a in anchors)}</body></html>".encode()


# -- a qualifier beside the list's name narrows it; the whole list is the link without one --

NARROWER = [
    ("newlyParticipating03012025.xlsx", "Newly participating agencies"),
    ("participatingAgencies03012025.xlsx", "Participating Agencies A\u2013M"),
    ("participatingAgencies_N-Z_03012025.xlsx", "Participating Agencies"),
    ("participatingAgencies03012025.xlsx", "Participating Agencies (Part 1 of 2)"),
    ("participatingAgenciesPart2_03012025.xlsx", "Participating Agencies"),
    ("participatingAgencies03012025.xlsx", "Participating Agencies (New Orleans AOR)"),
    ("participatingAgencies03012025.xlsx", "Participating agencies: changes this week"),
    ("participatingAgencies03012025.xlsx", "Participating agencies \u2013 additions since March 1"),
    ("participatingAgenciesAdded03012025.xlsx", "Participating agencies"),
    # words the rule does not know: a qualifier all the same, beside the whole list
    ("participatingAgencies03012025.xlsx", "Participating agencies \u2013 Southwest border"),
    ("participatingAgencies03012025.xlsx", "Participating agencies of the Dallas field office"),
    ("participatingAgencies03012025.xlsx", "Recently signed participating agencies"),
    # a state's code joined to a word by case alone: unsure, but beside the whole, narrower
    ("participatingAgenciesIN03012025.xlsx", "Download"),
]


@pytest.mark.parametrize(("name", "text"), NARROWER)
def test_a_qualified_link_dated_after_the_whole_list_is_never_taken_beside_it(
    name: str, text: str
) -> None:
    """First on the page or last, newer than the whole list: the whole list is read."""
    narrow = anchor(DOCLIB + name, text)
    for order in ([WHOLE, narrow, PENDING], [narrow, WHOLE, PENDING]):
        found = parse_landing_page(page(*order), PAGE)
        assert found.participating_url == WHOLE_URL
        assert found.parts == {} and found.rivals == {}
        assert found.pending_url == PENDING_URL


@pytest.mark.parametrize(
    "links",
    [
        [("pA-M.xlsx", "Participating Agencies A\u2013M"),
         ("pN-Z.xlsx", "Participating Agencies N\u2013Z")],
        [("p1.xlsx", "Participating Agencies (Part 1 of 2)"),
         ("p2.xlsx", "Participating Agencies (Part 2 of 2)")],
        [("p.xlsx", "Newly participating agencies")],
        [("p.xlsx", "Participating agencies: changes this week")],
        [("p.xlsx", "Participating agencies added since March 1, 2025")],
        [("p.xlsx", "Participating Agencies (New Orleans AOR)")],
        [("p.xlsx", "Participating Agencies - New Orleans Area of Responsibility")],
        [("participatingAgencies_A-M.xlsx", "Download")],
        # two different qualifiers and no link without one: which is whole is unknown
        [("p1.xlsx", "Participating agencies \u2013 Southwest border"),
         ("p2.xlsx", "Participating agencies \u2013 Northern border")],
    ],
)  # fmt: skip
def test_a_list_linked_only_by_its_parts_has_no_whole_list(links: list[tuple[str, str]]) -> None:
    """A link saying it is one part of the list (a letter range, part 1 of 2, an area of
    responsibility, the agencies new or changed) is a part even alone; links saying
    different things, none the list alone, are parts: a loud failure, never a part read
    as the whole."""
    found = parse_landing_page(page(*(anchor(DOCLIB + n, t) for n, t in links), PENDING), PAGE)
    assert found.participating_url is None
    assert found.parts == {"participating": tuple(DOCLIB + n for n, _ in links)}
    assert found.pending_url == PENDING_URL


@pytest.mark.parametrize(
    "links",
    [
        # the one plausible link, whatever its words the rule does not know
        [("p.xlsx", "Participating agencies \u2013 Southwest border")],
        [("p.xlsx", "New participating agencies list")],
        [("p.xlsx", "Participating agencies A\u2013Z")],  # every letter: the whole
        [("participatingAgenciesIN.xlsx", "Download")],
        [("participatingAgenciesIN08152025pm.xlsx", "Download")],
        [("PARTICIPATING_AGENCIES_IN_FORCE.xlsx", "Download")],
        [("participatingAgencies08152025pm.xlsx", "Download")],
        # the same qualifier on each: versions of one list, the newest taken
        [("p05012026.xlsx", "Participating agencies nationwide"),
         ("p06012026.xlsx", "Participating agencies nationwide")],
        # words describing only the file: versions, the newest taken
        [("p05012026.xlsx", "Participating agencies"),
         ("p06012026.xlsx", "Participating agencies (XLSX, 52 KB), updated June 1, 2026")],
        [("p05012026.xlsx", "Participating agencies"),
         ("p06012026.xlsx", "Download the current participating agencies list (1,043 rows)")],
    ],
)  # fmt: skip
def test_the_one_plausible_list_is_taken(links: list[tuple[str, str]]) -> None:
    found = parse_landing_page(page(*(anchor(DOCLIB + n, t) for n, t in links), PENDING), PAGE)
    assert found.parts == {}
    assert found.participating_url == DOCLIB + max(n for n, _ in links)


# -- a state's code in a file name: set off, or no English word ------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "participatingAgenciesTX.xlsx",
        "participatingAgenciesTX08152025pm.xlsx",
        "participatingAgencies_IN.xlsx",
        "participatingAgencies-IN-08152025.xlsx",
        "participating_agencies_OR.xlsx",
    ],
)
def test_a_lone_file_named_for_one_state_is_a_part(name: str) -> None:
    """A code no word spells, or any code set off by a separator in a name written in
    words of small letters, names a state: the lone link is that state's part."""
    found = parse_landing_page(page(anchor(DOCLIB + name), PENDING), PAGE)
    assert found.participating_url is None
    assert found.parts == {"participating": (DOCLIB + name,)}


# -- the pending list with its decided applications removed is the pending list ---------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pendingApplicationsApprovedRemoved03012025.xlsx", "Download"),
        ("pendingApplications_approved_removed.xlsx", "Download"),
        ("pendingApplicationsApprovedRemoved03012025.xlsx", "Pending applications"),
        ("p.xlsx", "Pending applications, approved removed"),
        ("p.xlsx", "Pending applications without approved applications"),
        ("pendingApplicationsExcludingApproved.xlsx", "Download"),
    ],
)
def test_a_pending_list_with_its_approved_applications_removed_is_the_pending_list(
    name: str, text: str
) -> None:
    """``approved removed`` says what left the list, as the remark ``(approved
    applications removed weekly)`` does: the file name and the words read alike."""
    (link,) = find_list_links([Anchor(DOCLIB + name, text)])
    assert link.kind == "pending"
    found = parse_landing_page(page(WHOLE, anchor(DOCLIB + name, text)), PAGE)
    assert found.pending_url == DOCLIB + name


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pendingApplicationsApproved03012025.xlsx", "Download"),
        ("pendingApplicationsApprovedAndRemoved.xlsx", "Download"),
        ("p.xlsx", "Approved and removed pending applications"),
        ("p.xlsx", "Pending applications approved"),
    ],
)
def test_a_list_of_decided_applications_is_not_the_pending_list(name: str, text: str) -> None:
    (link,) = find_list_links([Anchor(DOCLIB + name, text)])
    assert link.kind is None
    found = parse_landing_page(page(WHOLE, PENDING, anchor(DOCLIB + name, text)), PAGE)
    assert found.pending_url == PENDING_URL


@pytest.mark.parametrize(
    "text",
    [
        "Section 287(g) Participating Agencies",
        "Participating Agencies (1 of 1)",
        "Participating Agencies, 50 of 50 states",
        "Participating agencies, all regions",
        "Participating Agencies (all AORs)",
        "Participating Agencies (changes highlighted)",
        "Participating Agencies since January 2025",
    ],
)
def test_a_lone_link_whose_words_say_all_of_the_list_is_the_list(text: str) -> None:
    """Words that look like a part's but say all of it, or how it is marked: the law's
    section number, ``1 of 1``, every region, changes highlighted, where the list
    starts (each was refused as a part, the list unread every pass: helper 69)."""
    found = parse_landing_page(page(anchor(WHOLE_URL, text), PENDING), PAGE)
    assert found.participating_url == WHOLE_URL
