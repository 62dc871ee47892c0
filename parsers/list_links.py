"""Which links on a page are the participating and pending lists, and which to take.

A link is a *list link* when it says it is a spreadsheet, in any of the ways HTML can:

1. its URL's file name ends in ``.xlsx``/``.xls``/``.xlsm``/``.csv`` (any case), or its
   ``download`` attribute names such a file, or its ``type`` attribute is a spreadsheet
   MIME type; else
2. it declares nothing else (no ``.pdf``/``.html``/... file name, no other MIME type)
   and its words (text, image ``alt``, ``aria-label``, ``title``) say XLSX, XLS, CSV,
   Excel, spreadsheet or workbook (a Drupal ``/media/123/download`` link).

Its kind (participating / pending) comes from the file names (URL, then ``download``),
else its visible text, else its ``aria-label``/``title``; a link whose words or file
names (split at case changes and separators) say its agreements ended (``Terminated
participating agencies``) or its agencies no longer participate (``Non-participating
agencies``, ``agenciesNoLongerParticipating.xlsx``, ``Formerly participating``,
``former``/``previously participating``, withdrawn, ended) or its applications decided
(``Approved pending applications``, ``pendingApplicationsApprovedAndRemoved.xlsx``)
has none: it is no list of agreements in force, nor of applications pending, however
new its date. Decided or ended ones said *taken out* are what left the list, not what
it holds, in a file name as in words: ``pendingApplicationsApprovedRemoved.xlsx``,
``Pending applications, approved removed``, ``excluding approved`` are the pending
list. The body is checked when it is downloaded, so a generous rule costs a clear
failure, never a wrong list.

Of several links to one list, the newest published version is taken: a link whose
words call it older ("previous", "archived", "old", "former", "prior", ...) comes last;
then one whose words name the list; then the latest date stamp (in the file name, the
``download`` name, else a date in its words: ``May 18, 2026``, ``March 2026``,
``05/18/2026``); then page order.

A link names the *whole* list only when its words name the list and nothing narrower
(:func:`narrower`). Its words are its text, ``aria-label``, ``title`` and file names
split at case changes and separators. What narrows a list, known to the rule: one
support model (``JEM``, ``Task Force Model``, ``WSO``; a link naming all three names
them all), a state (``Texas``, ``participatingAgenciesTX02282025am.xlsx``), ``by
state``, ``summary``, ``statistics``, ``count``; and one part of it: a range of initial
letters (``Agencies A-M``; ``A-Z`` is all), one of numbered parts (``Part 1 of 2``), an
area (``New Orleans AOR``, ``field office``, ``region``), the agencies new or changed
(``Newly participating``, ``Changes this week``, ``Additions since ...``, ``Added``);
not words saying all of it or how it is marked (``Section 287(g)``, ``1 of 1``, ``all
regions``, ``changes highlighted``, ``since January 2025``). A
remark in parentheses or a phrase saying what it includes is aside for a model, a state
or the agencies new or changed (``(Georgia and Florida lead)``, ``(new agencies added
weekly)``: notes on the link), not for a range, a numbered part or an area (``(Part 1
of 2)``, ``(New Orleans AOR)``). What narrows it
unknown to the rule: any other word of its text or label beside the list's name, a
remark's included (a *qualifier*), unless it only describes the file (its format,
size, date, version, ``updated``, ``download``, a count).

When several current links could be one list, the whole list is the one whose words say
the list and nothing that narrows it: beside it, a link naming something narrower or
holding a qualifier is never taken, however new its date (a part read as the whole
would read every agreement of the others as withdrawn; the whole list missed fails
loudly). Links with the same qualifiers and nothing known narrower are versions of one
list; with different ones and none without, they are parts. When a list's links are all
narrower, several are its *parts* (:func:`list_parts`), the caller says so, and none is
read. A page's only current link to a list (the one plausible link) is the list, its
qualifiers whatever they are, unless it names one model, one state or one part alone, or
counts by state; and its own text naming the list and nothing narrower outweighs its
file name (a name left over from an earlier upload).

A state's code in a file name is a pair of capitals apart from other letters. A code no
English word spells names its state (``...TX.xlsx``); one that spells a word (``IN``,
``OR``, ``ME``, ``OK``, ``HI``, ``OH``, ``ID``, ``AS``) names it only set off by a
separator or digits in a name of small letters (``participatingAgencies_IN.xlsx``),
and is a qualifier joined to a word by case alone (``participatingAgenciesIN.xlsx``:
agencies in?) or in a name all in capitals (``..._IN_FORCE.xlsx``).

Pure functions over a parsed tree or the links read from it (:class:`Anchor`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from parsers import link_words
from parsers.dates import month_number
from parsers.html_page import absolute_url, resolve_link
from parsers.normalize import clean_text
from parsers.states import STATE_CODES
from parsers.status_words import says_ended

ListLinkKind = Literal["participating", "pending"]

SHEET_EXTENSIONS = (".xlsx", ".xls", ".xlsm", ".csv")
_OTHER_EXTENSIONS = (
    *(".pdf", ".doc", ".docx", ".ppt", ".pptx", ".txt", ".rtf", ".htm", ".html"),
    *(".zip", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".mp4"),
)
_SHEET_TYPE = re.compile(r"spreadsheetml|ms-excel|opendocument\.spreadsheet|/csv\b", re.I)
_GENERIC_TYPE = re.compile(r"octet-stream|force-download|/download\b", re.I)
_SHEET_WORDS = re.compile(r"\b(?:xlsx|xlsm|xls|csv|excel|spreadsheets?|workbooks?)\b", re.I)
_OLDER_WORDS = re.compile(
    r"\b(?:previous(?:ly)?|prior|older|old|archived?|archives|former|earlier|superseded"
    r"|outdated|obsolete)\b",
    re.I,
)
_PARTICIPATING = re.compile(r"partici?pat", re.I)
_PENDING = re.compile(r"(?<![psx])pending", re.I)
_MOA_PATH = re.compile(r"moa|memorand|addend", re.I)
_STAMP = re.compile(r"(?<!\d)(\d{8}|\d{6})(?!\d)\s*(am|pm)?", re.I)
_ISO_STAMP = re.compile(r"(?<!\d)(20\d{2})[-_.](\d{2})[-_.](\d{2})(?!\d)")
_WRITTEN_DATE = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
    r"\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(20\d{2})\b",
    re.I,
)
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(20\d{2}|\d{2})(?![\d/])")
_TEMPLATE_TAG = re.compile(r"</?template\b[^>]*>", re.I)


class Anchor(NamedTuple):
    """One link as found on a page: its absolute URL, its text (visible text, else image
    ``alt``, else ``aria-label``/``title``), and the attributes that say what it is."""

    url: str
    text: str
    label: str = ""
    mime: str = ""
    download: str = ""


@dataclass(frozen=True)
class ListLink:
    """One spreadsheet link on the page, in document order (``position``); ``label`` is
    its ``aria-label``/``title``, ``file_name`` its ``download`` attribute's name."""

    url: str
    text: str
    kind: ListLinkKind | None
    position: int
    label: str = ""
    file_name: str = ""
    both: bool = False  # its words name both lists (``Participating and pending agencies``)

    @property
    def text_says_kind(self) -> bool:
        """True when the link's own words (text or label) name the list."""
        return self.kind is not None and self.kind in (_kind_of(self.text), _kind_of(self.label))

    @property
    def says_older(self) -> bool:
        """True when the link's own words call it an older version ('Previous list')."""
        return bool(_OLDER_WORDS.search(f"{self.text} {self.label}"))

    @functools.cached_property
    def part_names(self) -> frozenset[str]:
        """What narrower than its list its words and file names name (camel case and
        separators split): a model, a state, ``by state``, a summary, statistics, a
        count. Empty when they name nothing narrower (or all three models)."""
        names = (basename(self.url), self.file_name)
        files = " ".join(names)
        codes = frozenset().union(*(link_words.state_codes(name)[0] for name in names))
        return (
            self.word_part_names
            | link_words.part_names(files)
            | codes
            | link_words.subsets(files, files)
        )

    @functools.cached_property
    def word_part_names(self) -> frozenset[str]:
        """What narrower than its list its own words (text, label) name, a remark in
        parentheses aside (``(updated count 1,043)``, ``(Georgia and Florida lead)``:
        a note on the link, not what it holds), a state's code set off (``(TX)``,
        ``- TX``) included; one part of the list said anywhere in them (a letter range,
        ``Part 1 of 2``, an area of responsibility), and the agencies new or changed
        outside a remark."""
        words = f"{self.text} {self.label}"
        bare = link_words.without_remarks(words)
        return (
            link_words.part_names(bare)
            | link_words.set_off_codes(words)
            | link_words.subsets(words, bare)
        )

    @functools.cached_property
    def qualifiers(self) -> frozenset[str]:
        """The words of its text and label beyond the list's name that say nothing of
        the file alone (not its format, size, date, version, how to get it, nor a
        count), remarks included, and a state's code its file names may spell as a word
        (``participatingAgenciesIN.xlsx``): what may narrow it, unknown to the rule.
        Empty for a link saying the list and nothing more (``View 287(g) Participating
        Agencies (XLSX, 52 KB)``)."""
        names = (basename(self.url), self.file_name)
        unsure = frozenset().union(*(link_words.state_codes(name)[1] for name in names))
        return link_words.qualifiers(f"{self.text} {self.label}") | unsure


# --------------------------------------------------------------------------- reading links


def page_links(tree: LexborHTMLParser, page_url: str) -> list[Anchor]:
    """Every resolvable link on the page, in page order, including those inside
    ``<template>`` and ``<noscript>``; relative links resolve against ``<base href>``."""
    base = _base_url(tree, page_url)
    links = []
    for node in _with_templates(tree).css("a[href], area[href]"):
        url = resolve_link(node.attributes.get("href"), base)
        if url:
            links.append(_anchor(node, url))
    return links


def _base_url(tree: LexborHTMLParser, page_url: str) -> str:
    node = tree.css_first("base[href]")
    href = node.attributes.get("href") if node else None
    return (absolute_url(href, page_url) if href else None) or page_url


def _with_templates(tree: LexborHTMLParser) -> LexborHTMLParser:
    """The tree itself, or (when it has ``<template>`` elements, whose content the
    parser keeps out of the tree) the tree parsed again without the template tags."""
    if tree.css_first("template") is None:
        return tree
    return LexborHTMLParser(_TEMPLATE_TAG.sub("", tree.html or ""))


def _anchor(node: LexborNode, url: str) -> Anchor:
    attrs = node.attributes
    label = clean_text(" ".join(filter(None, (attrs.get("aria-label"), attrs.get("title")))))
    alts = " ".join(filter(None, (img.attributes.get("alt") for img in node.css("img[alt]"))))
    text = clean_text(node.text(separator=" ")) or clean_text(alts) or label
    download = (attrs.get("download") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return Anchor(url, text, label, clean_text(attrs.get("type")), clean_text(download))


# --------------------------------------------------------------------------- recognising


def find_list_links(anchors: Iterable[Anchor]) -> tuple[ListLink, ...]:
    """The spreadsheet links among ``anchors``, each classified as the participating
    list, the pending list, or neither (kind None)."""
    found = []
    for position, link in enumerate(anchors):
        if is_spreadsheet_link(link):
            texts = (basename(link.url), link.download, link.text, link.label)
            ended = _says_ended(link)
            kind = None if ended else _first_kind(texts)
            both = not ended and kind is None and any(map(_names_both, texts))
            found.append(
                ListLink(link.url, link.text, kind, position, link.label, link.download, both)
            )
    return tuple(found)


LIST_PAGES = 3  # pages named for a list, followed from a page that links no list


def list_page_urls(anchors: Iterable[Anchor], page_url: str) -> tuple[str, ...]:
    """Links to other pages of the same site whose words name a list (``Participating
    agencies``, ``View the pending applications``), in page order, at most LIST_PAGES:
    where the lists are when the page itself no longer links them. Not a spreadsheet,
    not another kind of document, not a list of ended agreements, not the page."""
    site, here = urlsplit(page_url).netloc.lower(), _without_fragment(page_url)
    found: dict[str, None] = {}
    for link in anchors:
        url = _without_fragment(link.url)
        parts = urlsplit(url)
        words = f"{link.text} {link.label}"
        if (
            parts.scheme in ("http", "https")
            and parts.netloc.lower() == site
            and url != here
            and not is_spreadsheet_link(link)
            and not basename(url).lower().endswith(_OTHER_EXTENSIONS)
            and (_PARTICIPATING.search(words) or _PENDING.search(words))
            and not _ended_words(words)
        ):
            found.setdefault(url)
    return tuple(found)[:LIST_PAGES]


def unnamed_files(anchors: Iterable[Anchor]) -> tuple[str, ...]:
    """Links to a file (a spreadsheet, a ``download`` attribute, a Drupal
    ``/media/123/download``) declaring no other type, whose words and file name say
    nothing of what it holds (``Download``, ``XLSX, 52 KB``), in page order: a page
    linking such files publishes its lists as files it does not name, and its inline
    table (``Recently signed agreements``) is not the list."""
    found: dict[str, None] = {}
    for link in anchors:
        name, saved = basename(link.url), link.download
        download = bool(saved) or name.lower() == "download"
        if not (is_spreadsheet_link(link) or (download and not _declares_other(link))):
            continue
        stems = link_words.CAMEL.sub(" ", " ".join(n.rsplit(".", 1)[0] for n in (name, saved)))
        if not _GENERIC_WORDS.sub("", f"{link.text} {link.label} {stems}").strip():
            found.setdefault(link.url)
    return tuple(found)


_GENERIC_WORDS = re.compile(
    r"\b(?:download(?:s|ed)?|file|files|here|click|the|this|a|link|open|view|get|save"
    r"|xlsx|xlsm|xls|csv|excel|spreadsheets?|workbooks?|kb|mb|bytes?|format|media)\b"
    r"|[\d\W_]+",
    re.I,
)


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def both_lists_url(links: Sequence[ListLink]) -> str | None:
    """The URL of the one file whose link names both lists (``Participating and pending
    agencies``): it serves each list no link of its own names. None when no link, or
    links to more than one file, name both."""
    urls = {link.url for link in links if link.both and not link.part_names}
    return urls.pop() if len(urls) == 1 else None


def _says_ended(link: Anchor) -> bool:
    """Whether a link's words or file names say its agreements ended (``Terminated
    participating agencies``, ``withdrawnAgencies.xlsx``) or its agencies no longer
    participate (``nonParticipatingAgencies.xlsx``, ``Agencies no longer participating``,
    ``Formerly participating agencies``): no list of agreements in force, whichever
    list it names."""
    names = link_words.CAMEL.sub(" ", f"{basename(link.url)} {link.download}")
    words = link_words.without_remarks(f"{link.text} {link.label}") + f" {names}"
    return _ended_words(_TAKEN_OUT.sub(" ", words))


# Decided or ended ones taken out of a list say what left it, not what it holds, in a
# file name as in words (``pendingApplicationsApprovedRemoved.xlsx``, ``Pending
# applications, approved removed``, ``without approved applications``, as the remark
# ``(approved applications removed weekly)``); joined by ``and``/``or`` to another
# decision they are what it holds (``Approved and removed applications``).
_GONE = (
    r"(?:approved|accepted|granted|denied|declined|rejected|withdrawn|terminated|rescinded"
    r"|cancell?ed|closed|ended|expired|revoked|inactive)"
)
_TAKEN_OUT = re.compile(
    rf"\b{_GONE}\W+(?:(?:applications?|requests?|agencies|agreements|ones|entries)\W+)?"
    r"(?:removed|excluded|omitted|deleted|dropped|taken\W+out)(?![a-z])"
    rf"|\b(?:without|excluding|excludes|except|less|minus)\W+(?:the\W+)?(?:any\W+)?{_GONE}(?![a-z])",
    re.I,
)


# Agencies in the program no more: non-, not, no longer, former(ly), previously before
# what they were (``participating``, ``participants``, ``partners``, ``agencies``);
# ``Previous participating agencies list`` and ``Former list`` are older versions.
_NO_LONGER = re.compile(
    r"\b(?:non|not|no\W*longer|former(?:ly)?|previously)\W*(?:287\W*g\W*)?"
    r"(?:partici?pa|participants?\b|partners?\b|members?\b|agenc)",
    re.I,
)


# Applications decided: approved, accepted or granted (``Approved pending applications``,
# ``pendingApplicationsApproved.xlsx``) are pending no more, as denied ones are not.
_DECIDED = re.compile(
    r"\b(?:approved|accepted|granted)(?:\W+(?:and|or)\W+[a-z]+)?\W+(?:pending\W+)?"
    r"(?:287\W*g\W*)?(?:applica|request)"
    r"|\b(?:applications?|requests?)\W+(?:[a-z]+\W+)?(?:approved|accepted|granted)(?![a-z])",
    re.I,
)


def _ended_words(text: str) -> bool:
    """Whether words say agreements ended, agencies no longer participate, or
    applications were decided (no list of agreements in force, nor of applications
    pending)."""
    return says_ended(text) or bool(_NO_LONGER.search(text) or _DECIDED.search(text))


def is_spreadsheet_link(link: Anchor) -> bool:
    """Whether a link says it is a spreadsheet (see the module docstring)."""
    names = (basename(link.url).lower(), link.download.lower())
    if any(name.endswith(SHEET_EXTENSIONS) for name in names):
        return True
    if _SHEET_TYPE.search(link.mime):
        return True
    return not _declares_other(link) and bool(_SHEET_WORDS.search(f"{link.text} {link.label}"))


def _declares_other(link: Anchor) -> bool:
    """Whether a link declares a type other than a spreadsheet: another file name
    (``.pdf``, ``.html``, ...) or another MIME type."""
    names = (basename(link.url).lower(), link.download.lower())
    generic = not link.mime or _GENERIC_TYPE.search(link.mime)
    return not generic or any(name.endswith(_OTHER_EXTENSIONS) for name in names)


def basename(url: str) -> str:
    """The decoded file name of a URL's path (query and fragment ignored)."""
    return unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1].strip()


def _first_kind(texts: Iterable[str]) -> ListLinkKind | None:
    return next((kind for text in texts if (kind := _kind_of(text))), None)


def _names_both(text: str) -> bool:
    return bool(_PARTICIPATING.search(text)) and bool(_PENDING.search(text))


def _kind_of(text: str) -> ListLinkKind | None:
    participating = bool(_PARTICIPATING.search(text))
    pending = bool(_PENDING.search(text))
    if participating == pending:
        return None
    return "participating" if participating else "pending"


# --------------------------------------------------------------------------- choosing


def pick_list_url(links: Sequence[ListLink], kind: ListLinkKind) -> str | None:
    """The URL of the ``kind`` list, the newest published version: not called older,
    then words naming the list, then the latest stamp, then the first in page order.
    Only a link naming the whole list is taken (see :func:`narrower`): a part, a
    summary, a list by state is never the list, however new its date; when every link
    to the list is narrower, None (:func:`list_parts` names them)."""
    whole = [link for link in links if link.kind == kind and not narrower(link, links)]
    return min(whole, key=_preference).url if whole else None


def narrower(link: ListLink, links: Sequence[ListLink]) -> bool:
    """Whether ``link`` is narrower than its whole list: its words or file names name
    something narrower (a model, a state, ``by state``, a summary, statistics, a count,
    one part: see the module docstring) and the page links the list otherwise too (a
    link naming nothing narrower beside it: never preferred to it, however new; or
    others, all narrower: parts); or it holds words unknown to the rule (its
    qualifiers) and another current link naming nothing narrower holds other ones, or
    none. The page's only current link to the list is the list unless it names one
    model, one state or one part alone, or counts by state (``by state (summary)``):
    ``Participating Agencies (updated count 1,043)``, ``Summary Spreadsheet``, ``Jail
    Enforcement Model and Warrant Service Officer`` (the whole list of 2019 to 2024)
    are the list; and its own text naming the list and nothing narrower outweighs its
    file name (``participatingAgenciesTFM.xlsx`` behind ``Participating Agencies``: a
    name left over from an earlier upload)."""
    if not link.part_names and not link.qualifiers:
        return False
    others = [
        other
        for other in links
        if other.kind == link.kind and other.url != link.url and not other.says_older
    ]
    if not link.part_names:  # words unknown to the rule: narrower beside a plausible list
        return any(not other.part_names and other.qualifiers != link.qualifiers for other in others)
    if others:
        return True
    if not link.word_part_names and link.text_says_kind:
        return False
    names = link.part_names
    models, states = names & link_words.MODELS, names & STATE_CODES
    counts = "BY STATE" in names and bool(names & {"SUMMARY", "COUNT", "STATISTICS"})
    # counts by state: no list; one part named: a part alone too
    return len(models) == 1 or len(states) == 1 or counts or bool(names & link_words.SUBSETS)


def unsure_rivals(links: Sequence[ListLink], kind: ListLinkKind, picked: str) -> tuple[str, ...]:
    """The other files the page links for the ``kind`` list that are not clearly older
    than the one picked (not called older, not stamped before it): which is the newest
    is then a guess from words and page order, to be said (a new file named without a
    date beside the old dated one was the old one read, silently)."""
    chosen = next((link for link in links if link.url == picked), None)
    if chosen is None:
        return ()
    mine = link_stamp(chosen)
    return tuple(
        dict.fromkeys(
            link.url
            for link in links
            if link.kind == kind
            and link.url != picked
            and not narrower(link, links)
            and not link.says_older
            and not ((theirs := link_stamp(link)) and mine and theirs < mine)
        )
    )


def _preference(link: ListLink) -> tuple[bool, bool, int, int]:
    stamp = link_stamp(link)
    stamp_rank = -(stamp[0].toordinal() * 2 + stamp[1]) if stamp else 1
    return (link.says_older, not link.text_says_kind, stamp_rank, link.position)


def link_stamp(link: ListLink) -> tuple[date, int] | None:
    """The date a link carries: its URL's file name stamp, else its ``download`` name's,
    else a date in its words."""
    return (
        name_stamp(basename(link.url))
        or name_stamp(link.file_name)
        or text_stamp(f"{link.text} {link.label}")
    )


def name_stamp(name: str) -> tuple[date, int] | None:
    """The latest date-like token in a file name with its half day (am 0, pm 1):
    ``participatingAgencies05182026am.xlsx`` -> (2026-05-18, 0); ``...091526pm`` ->
    (2026-09-15, 1); ISO ``2025-09-15`` also counts. None when there is none.

    Not :func:`parsers.filenames.date_from_name`, on purpose: that one dates an
    observation, so it takes a name's date only when the name can mean exactly one; this
    one only ranks the links of one page against each other, so it takes the latest
    reading of any stamp (a ``YYYYMMDD`` or ISO date too)."""
    stamps = [
        (day, 1 if (m[2] or "").lower() == "pm" else 0)
        for m in _STAMP.finditer(name)
        if (day := _digits_date(m[1]))
    ]
    stamps += [(day, 0) for m in _ISO_STAMP.finditer(name) if (day := _ymd(m[1], m[2], m[3]))]
    return max(stamps) if stamps else None


def text_stamp(text: str) -> tuple[date, int] | None:
    """The latest date in link words: a file-name stamp, ``May 18, 2026``, ``March 2026``
    (its first day), ``05/18/2026``. None when there is none."""
    stamps = [s for s in (name_stamp(text),) if s]
    for m in _WRITTEN_DATE.finditer(text):
        month = str(month_number(m[1]))
        if day := _ymd(m[3], month, m[2] or "1"):
            stamps.append((day, 0))
    for m in _SLASH_DATE.finditer(text):
        year = m[3] if len(m[3]) == 4 else "20" + m[3]
        if day := _ymd(year, m[1], m[2]):
            stamps.append((day, 0))
    return max(stamps) if stamps else None


def _digits_date(digits: str) -> date | None:
    if len(digits) == 8:
        return _ymd(digits[4:], digits[:2], digits[2:4]) or _ymd(
            digits[:4], digits[4:6], digits[6:]
        )
    return _ymd("20" + digits[4:], digits[:2], digits[2:4]) or _ymd(
        "20" + digits[:2], digits[2:4], digits[4:]
    )


def _ymd(year: str, month: str, day: str) -> date | None:
    try:
        result = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return result if 2000 <= result.year <= 2099 else None


# --------------------------------------------------------------------------- parts


def list_parts(links: Sequence[ListLink], kind: ListLinkKind) -> tuple[str, ...]:
    """The URLs of the ``kind`` links, in page order, when every one of them is narrower
    than the list (see :func:`narrower`): no whole list is linked, only parts of it (a
    model's, a state's, a summary), and none is to be read as the list. The current
    ones (not called older) when there are any. Empty when a link names the whole list
    (it is taken, the narrower ones left) or when the page links none."""
    matching = [link for link in links if link.kind == kind]
    if not matching or any(not narrower(link, links) for link in matching):
        return ()
    current = [link for link in matching if not link.says_older] or matching
    return tuple(dict.fromkeys(link.url for link in current))


# --------------------------------------------------------------------------- MOAs


def moa_links(anchors: Iterable[Anchor]) -> tuple[str, ...]:
    """Absolute links to MOA (and addendum) PDFs, such as those under /doclib/287gMOA/,
    deduplicated and sorted."""
    found = set()
    for anchor in anchors:
        path = unquote(urlsplit(anchor.url).path)
        if path.lower().endswith(".pdf") and _MOA_PATH.search(path):
            found.add(anchor.url)
    return tuple(sorted(found))
