"""What a row's or a title's words say of where it stands: a STATUS that says the
agreement ended or the row is an application, a section title saying the rows below it
ended or are applications, words saying something ended. Pure functions of text."""

from __future__ import annotations

import re

# A status that says the agreement (or the application) is over, in words of a state
# reached, not one to come ("Expires 2027", "Pending termination").
_ENDED_WORDS = (
    r"terminated|withdrawn|withdrew|rescinded|expired|inactive|ended|cancell?ed"
    r"|revoked|discontinued|denied|declined|closed|lapsed|superseded"
)
ENDED = re.compile(rf"\b(?:{_ENDED_WORDS})\b", re.IGNORECASE)
_NEGATED = re.compile(
    rf"\b(?:not|non|no)\b|\bun-?(?:{_ENDED_WORDS}|suspended|deleted|removed)\b", re.IGNORECASE
)
# Words that end a row only where they qualify the row itself (a STATUS, a section
# title, a sheet's name): in a MOA cell they are the link's (``Link removed for update``)
_ROW_ENDED_WORDS = r"removed|suspended|deactivated|deleted"
_ROW_ENDED = re.compile(rf"\b(?:{_ROW_ENDED_WORDS}|opted\W+out)\b", re.IGNORECASE)
# A status or a title that is only the agreement in force no more: its words negated or
# in the past, from its first word (``No Longer Participating``, ``Not active``,
# ``Non-participating``, ``Previously listed``), not a note after another status
# (``Active - previously listed as Town of Jupiter PD``)
NOT_IN_FORCE = re.compile(
    r"^\W*(?:(?:no\W+longer|not|non)\W*(?:an?\W+)?(?:active|participating|participants?"
    r"|current|in\W+force|in\W+effect)\b|(?:previously|formerly)\W+(?:listed|participating"
    r"|active)\b)",
    re.IGNORECASE,
)
# A status saying the agreement is in force, whatever it adds after (``Active - not a
# current TFM participant until training``, ``Reinstated (previously suspended)``)
_IN_FORCE_FIRST = re.compile(
    r"^\W*(?:active|reinstated|restored|current|participating|in\W+force|approved|signed)\b",
    re.IGNORECASE,
)


def ended_status(text: str) -> str | None:
    """A STATUS cell's text when it says the agreement or application ended
    (``Terminated``, ``Withdrawn 3/1/2026``, ``Inactive``, ``Removed``, ``Suspended``),
    or that it is in force no more (``No Longer Participating``, ``Not active``,
    ``Non-participating``, ``Previously listed``), else None (``Active``, empty, ``Not
    terminated``, ``Expires 2027``, ``Un-suspended``, a status saying it is in force
    first: ``Reinstated (previously suspended)``)."""
    if _IN_FORCE_FIRST.search(text):
        return None
    if NOT_IN_FORCE.search(text):
        return text
    ended = ENDED.search(text) or _ROW_ENDED.search(text)
    return text if ended and not _NEGATED.search(text) else None


def ended_value(text: str) -> str | None:
    """A value cell's text (a TYPE, a COUNTY, a SIGNED or a MOA cell, where a value goes)
    when it says the agreement ended as a STATUS would (``Terminated``, ``Rescinded``),
    in words of the agreement's own ending: ``Link removed for update`` in a MOA cell is
    its link's, not the agreement's."""
    return text if ENDED.search(text) and not _NEGATED.search(text) else None


# A STATUS that says the row is an application, no agreement yet: ``Pending``, ``Pending
# approval``, ``Application submitted``, ``Under review``, ``Awaiting signature``; not
# ``Not pending``.
_APPLYING = re.compile(
    r"^\W*(?:pending|applied|submitted|requested|received)\W*$"
    r"|\bpending\W+(?:approval|application|review|signature|signing|execution|moa)\b"
    r"|\bapplica(?:tion|nt)s?\b|\b(?:under|in)\W+review\b|\bawaiting\b",
    re.IGNORECASE,
)


# What an agreement in force has under way, not an application: its renewal, an
# addendum or amendment, its MOA's upload, its officers' training.
_IN_FORCE_WORK = re.compile(
    r"\b(?:renew\w*|addend\w*|amend\w*|modif\w*|extension|upload\w*|training|trained)\b",
    re.IGNORECASE,
)


def applying_status(text: str) -> str | None:
    """A STATUS cell's text when it says the row is an application, not an agreement
    (``Pending``, ``Pending approval``, ``Application submitted``, ``Under review``,
    ``Awaiting signature``), else None (``Active``, ``Not pending``, a status that says
    it ended, and one naming what an agreement in force has under way: ``Pending
    renewal``, ``Renewal under review``, ``Addendum under review``, ``Pending MOA
    upload``, ``Awaiting training``)."""
    if not _APPLYING.search(text) or _NEGATED.search(text) or ended_status(text):
        return None
    return None if _IN_FORCE_WORK.search(text) else text


_NEGATED_ENDED = re.compile(
    rf"\b(?:not|non|no|no\W+longer)[\s-]+(?:{_ENDED_WORDS})\b|\bun-?(?:{_ENDED_WORDS})\b",
    re.IGNORECASE,
)
_NEGATED_ROW_ENDED = re.compile(
    rf"\b(?:not|non|no|no\W+longer)[\s-]+(?:{_ROW_ENDED_WORDS})\b"
    rf"|\bun-?(?:suspended|deleted)\b|\b(?:was|previously|formerly)\W+(?:{_ROW_ENDED_WORDS})\b",
    re.IGNORECASE,
)
TITLE_WORDS = 8  # a longer text is a sentence (a note), not a section's title


# The nouns of agencies' names: a text holding one names an agency, never a column
# (``parsers/listing_header.py``) nor a section.
AGENCY_NOUNS = frozenset({
    "sheriff", "sheriffs", "police", "marshal", "marshals", "constable", "constables",
    "corrections", "correctional", "jail", "patrol", "troopers", "commissioners",
})  # fmt: skip
# ...and the words of an agency's unit or place, which a column's name may hold
# (``Department``, ``County``) but a section's title does not.
_UNIT_NOUNS = frozenset({
    "department", "office", "division", "bureau", "service", "services", "county", "city",
    "town", "township", "borough", "parish",
})  # fmt: skip
_TITLE_WORD = re.compile(r"[a-z]+")
# ...and the other words that name a public body (``Fish and Wildlife Conservation
# Commission``, ``Regional Jail Authority``, ``Attorney General``, ``Drug Task Force``)
_BODY_NOUNS = frozenset({
    "commission", "authority", "agency", "unit", "district", "attorney", "court", "courts",
    "force", "enforcement", "safety", "security", "detention", "investigation",
    "investigations", "government", "state", "highway", "port", "transit", "university",
    "college", "school", "village", "municipality", "nation", "tribe", "tribal", "guard",
    "justice", "control", "probation", "parole", "prison", "prisons", "ranger", "rangers",
    "wildlife", "conservation", "parks", "airport", "harbor", "marine", "board", "council",
    "administration", "constabulary", "dept", "pd", "so", "sd", "dps", "doc", "hp",
})  # fmt: skip


def names_a_body(text: str) -> bool:
    """Whether a text names a public body: a word of an agency's name, its unit or place
    (``Sheriff``, ``Police``, ``Department``, ``County``, ``Commission``, ...). A row
    naming no state and no body, with no link, is a note under the list (``Last
    updated`` beside a date, ``Legend`` beside the models), not an agreement."""
    words = set(_TITLE_WORD.findall(text.lower()))
    return not words.isdisjoint(AGENCY_NOUNS | _UNIT_NOUNS | _BODY_NOUNS)


# The list speaking of itself where an agency's name goes: when it was updated, as of
# when, who prepared it, its page (``Page 1 of 3``), and its total, count, source, notes,
# legend or key as a label (alone, or before a colon, a number or a parenthesis:
# ``Total: 12``, ``Source: ICE``, ``Notes``; not ``Page County Sheriff's Office`` or
# ``Key West Police Department``, names that begin with such a word).
_OF_THE_LIST = re.compile(
    r"^\W*(?:last\W+(?:updated|revised|modified|changed)\b|(?:data\W+)?as\W+of\b"
    r"|(?:updated|revised|prepared\W+by|generated|printed|compiled)\b|page\W+\d"
    r"|(?:(?:grand\W+|sub\W?)?totals?|count|sum|sources?|notes?|nb|legend|key|footnotes?"
    r"|disclaimer)\b(?=\s*(?:$|[:=#(\d])))",
    re.IGNORECASE,
)


def of_the_list(text: str) -> bool:
    """Whether an agency cell's text is the list speaking of itself, not a name: its
    total (``Total: 1``, ``Grand Total 12``), its date (``Last updated``, ``As of
    05/15/2024``), its source (``Source: ICE``), its page (``Page 1 of 3``), its notes
    or legend (``Note: ...``, ``Legend``). No agency's name begins so."""
    return _OF_THE_LIST.search(text) is not None


def _titled(text: str) -> bool:
    """Whether a text could be a section's title: short, and naming no agency."""
    words = _TITLE_WORD.findall(text.lower())
    return len(text.split()) <= TITLE_WORDS and (AGENCY_NOUNS | _UNIT_NOUNS).isdisjoint(words)


def ended_title(text: str) -> str | None:
    """A section title's text when it says the rows below it ended (``Terminated
    Agreements``, ``WITHDRAWN / TERMINATED (no longer participating)``), else None (``Not
    terminated``; a sentence of more than :data:`TITLE_WORDS` words is a note; a text
    with a word of an agency's name, ``Closed Circuit Division``, names an agency; nor
    ``Active and terminated agreements``, which also says its rows are in force)."""
    if (
        not _titled(text)
        or not says_rows_ended(text)
        or _IN_FORCE.search(NOT_IN_FORCE.sub("", text))
    ):
        return None
    return text


# A title that also says its rows are in force (``Active and terminated agreements``)
# names no section of ended ones.
_IN_FORCE = re.compile(r"\b(?:active|current|in force)\b", re.IGNORECASE)


def says_ended(text: str) -> bool:
    """Whether words say something ended (terminated, withdrawn, rescinded, expired,
    ...), not negated right before (``not terminated``, ``non-withdrawn``)."""
    return bool(ENDED.search(text)) and not _NEGATED_ENDED.search(text)


def says_rows_ended(text: str) -> bool:
    """Whether a section's title or a sheet's name says its rows ended: as
    :func:`says_ended`, or in words that end rows (``Removed``, ``Suspended``), or that
    they are in force no more (``No Longer Participating``), not negated (``No Longer
    Suspended``)."""
    if NOT_IN_FORCE.search(text):
        return True
    if _ROW_ENDED.search(text) and not _NEGATED_ROW_ENDED.search(text):
        return True
    return says_ended(text)


_PENDING_TITLE = re.compile(
    r"\bapplica(?:tions?|nts?)\b|^\W*pending\W*$"
    r"|\bpending\W+(?:agenc|applica|request|partner)",
    re.IGNORECASE,
)


# A title that also names the list in force (``Participating and Pending Agencies``):
# its words of rows in force, neither negated (``Non-participating``, ``No longer
# participating``) nor qualified as pending (``Pending Participating Agencies``); not
# ``active`` or ``current``, which may say which applications (``Current Pending
# Applications``).
_LISTED_IN_FORCE = re.compile(
    r"(?<![\w-])(?:participating|participants?|in\W+force)\b",
    re.IGNORECASE,
)
_NOT_LISTED = re.compile(
    r"\b(?:not|no\W+longer|non|pending)\W*(?:an?\W+)?(?:participating|participants?|active|current"
    r"|in\W+force)\b",
    re.IGNORECASE,
)


def pending_title(text: str) -> str | None:
    """A section title's text when it says the rows below it are applications, not
    agreements (``Pending Applications``, ``Pending Agencies``, ``Pending``), else None
    (``MOA links pending``; a sentence is a note; ``Application Services Division``
    names an agency; nor a title naming both lists, ``Participating and Pending
    Agencies``: as :func:`ended_title`, one that also says its rows are in force heads
    no list of applications alone)."""
    if not _titled(text) or not _PENDING_TITLE.search(text):
        return None
    return None if _LISTED_IN_FORCE.search(_NOT_LISTED.sub(" ", text)) else text
