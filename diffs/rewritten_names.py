"""A phrase a list rewrites in nearly every name holding it: ICE's list writing every
``Sheriff's Office`` as ``Sheriff's Department``, every ``County Sheriff's Office`` as
``Sheriff's Office``, every ``County Jail`` as ``County Detention Center``. Pure: the
list's known entries and its rows by key in, the rewrites and the event out.

Principle: agencies are renamed one at a time; a find and replace over the whole list
is the list's writing. When, in one window, at least REWRITTEN_AT_LEAST agreements (or
applications) listed under names holding one phrase (a few words, with the words after
them, or the word before them at a name's end) show it rewritten as one other phrase
(or dropped), none as another, and nearly every name that held it shows it so
(REWRITTEN_SHARE), no agency was renamed and no name changed: the entries take their
rows' names before the list is diffed (the agencies keep their ids and learn the names
as aliases), and one ``source.schema_changed`` says what was rewritten and in how many
names. The words around the phrase are part of it, so an agency's own name is no
phrase many share, and a few agencies renamed alike are each one's rename. A find and
replace rewrites its words wherever they stand: once its words are found rewritten so
(``County`` dropped before ``Sheriff's Office``), the same words rewritten the same way
before other words (``County Sheriff's Department``, four names) are its too, when
nearly every name holding them there shows it (REWRITTEN_SHARE). A find and replace
may rewrite the names of one kind of agency only (``City of`` put before every town's
name): the names holding a phrase are counted among the agencies of the types of
those rewritten, and words put before a name are a phrase held at its start. Asked only
of a list whose diff renamed agencies or changed names at least REWRITTEN_AT_LEAST
times (:func:`may_have_rewritten`; the list is then diffed again, the names rewritten
first)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from diffs.events import Event, SnapshotRef
from diffs.fields import same_name
from diffs.renamed_values import values_event
from diffs.state import LISTED, Entry
from parsers.records import ListingRow

REWRITTEN_AT_LEAST = 10
"""Names a phrase must be rewritten in: a few agencies may be renamed alike in one
window (a county's agencies reorganised); a find and replace rewrites many."""
REWRITTEN_SHARE = 0.9
"""Of the names holding the phrase, the share that must show it rewritten: a find and
replace misses a few written otherwise (``Sheriff’s Office``, its apostrophe curled,
is no ``Sheriff's Office`` to it), and those keep their names; three renamed alike
among many not are three renames."""
MOST_WORDS = 3  # the words of a phrase rewritten (its word before aside)
START = ""  # before a phrase: held where a name begins (``City of``), no word of it

Rows = Mapping[str, tuple[str, ListingRow]]
Phrase = tuple[str, ...]
Core = tuple[Phrase, Phrase, str]
"""The words a find and replace rewrote, alone, and which words the phrase keeps with
them: those after them, the one before them, or the names' start."""
Rewritten = tuple[Phrase, Phrase, Core]
_WORD = re.compile(r"[\w'\u2019]+")


@dataclass
class Rewrites:
    """What one list rewrote: each phrase's new phrase and how many names showed it,
    and the entries that take their rows' names."""

    phrases: dict[Phrase, tuple[Phrase, int]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


def may_have_rewritten(events: Iterable[Event]) -> bool:
    """Whether a list's diff renamed agencies or changed agreements' names at least
    REWRITTEN_AT_LEAST times (else it rewrote no phrase: the usual list, asked no more)."""
    named = sum(
        1
        for e in events
        if (e.kind == "agency.renamed" and "state" not in (e.after or {}))
        or (e.kind == "agreement.changed" and "agency" in (e.after or {}))
    )
    return named >= REWRITTEN_AT_LEAST


def words(name: str) -> Phrase:
    return tuple(_WORD.findall(name.lower().replace("\u2019", "'")))


def _rewritten(before: Phrase, after: Phrase) -> Rewritten | None:
    """The phrase ``before`` holds in place of ``after``'s: what is left once the words
    both begin and end with are set aside, with the words both end with after it
    (``County Sheriff's Office`` for ``Sheriff's Office``), or, when both end with it,
    the word before it (``Sheriff's Office`` for ``Sheriff's Department``): the
    agency's own words begin a name, the kind of body ends it. A phrase a name begins
    with (``City of``) is held at the start (START before it): the words after it are
    the agency's own. With them, the words rewritten alone and where the words kept
    with them stand (:data:`Core`). None when no phrase of at most MOST_WORDS words, or
    none at all, was rewritten."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    most = min(len(before), len(after)) - start
    while end < most and before[-1 - end] == after[-1 - end]:
        end += 1
    old, new = before[start : len(before) - end], after[start : len(after) - end]
    if start == 0 and not old and 1 <= len(new) <= MOST_WORDS:
        return (START,), (START, *new), (old, new, "start")  # words put before a name
    if not 1 <= len(old) <= MOST_WORDS or len(new) > MOST_WORDS:
        return None
    if start == 0:
        return (START, *old), (START, *new), (old, new, "start")
    if end:
        tail = before[len(before) - end :]
        return old + tail, new + tail, (old, new, "after")
    head = before[max(start - 1, 0) : start]
    return head + old, head + new, (old, new, "before")


def _holds(name: Phrase, phrase: Phrase) -> bool:
    if phrase[:1] == (START,):
        return name[: len(phrase) - 1] == phrase[1:]
    width = len(phrase)
    return any(name[at : at + width] == phrase for at in range(len(name) - width + 1))


def _said(phrase: Phrase) -> str:
    """A phrase as the event says it; one held at a name's start ends with ``…``."""
    if phrase[:1] == (START,):
        return " ".join((*phrase[1:], "…"))
    return " ".join(phrase)


def rewrites(entries: Mapping[str, Entry], rows: Rows) -> Rewrites:
    """The phrases the list rewrote in every name holding them, and the entries' keys."""
    listed: dict[str, tuple[Phrase, str | None]] = {}
    shown: defaultdict[Phrase, Counter[Phrase]] = defaultdict(Counter)
    moved: defaultdict[Phrase, list[str]] = defaultdict(list)
    cores: dict[tuple[Phrase, Phrase], Core] = {}
    for key, (_, row) in rows.items():
        entry = entries.get(key)
        name = entry.fields.get("agency") if entry is not None else None
        if entry is None or entry.status not in LISTED or not name:
            continue
        before = words(name)
        listed[key] = (before, entry.fields.get("agency_type"))
        found = _rewritten(before, words(row.agency)) if _renamed(entry, row) else None
        if found is not None:
            old, new, cores[old, new] = found
            shown[old][new] += 1
            moved[old].append(key)
    shares = {old: _share(old, news, _of_kinds(listed, moved[old])) for old, news in shown.items()}
    replaced = {cores[old, new] for old, (new, n) in shares.items() if n >= REWRITTEN_AT_LEAST}
    result = Rewrites()
    for old, (new, count) in sorted(shares.items()):
        if count and (count >= REWRITTEN_AT_LEAST or cores[old, new] in replaced):
            result.phrases[old] = (new, count)
            result.keys += moved[old]
    result.keys.sort()
    return result


def _renamed(entry: Entry, row: ListingRow) -> bool:
    """Whether ``row`` names ``entry`` otherwise than its known name as the diff reads a
    change: a name only written otherwise (``St.`` for ``Saint``, another case) is no
    rewrite of it (a copy writing so in turn made one event whenever ICE renamed ten
    agencies in the same list)."""
    known = {"agency": entry.fields.get("agency"), "county": entry.fields.get("county")}
    said = {"agency": row.agency, "county": row.county}
    return row.agency != known["agency"] and not same_name("agency", known, said, row.state)


def _of_kinds(listed: Mapping[str, tuple[Phrase, str | None]], keys: list[str]) -> list[Phrase]:
    """The names of the agencies of the types of ``keys``' (a find and replace may
    rewrite the names of one kind of agency only: ``City of`` put before every town's)."""
    kinds = {listed[key][1] for key in keys}
    return [name for name, kind in listed.values() if kind in kinds]


def _share(old: Phrase, news: Counter[Phrase], names: Iterable[Phrase]) -> tuple[Phrase, int]:
    """The one phrase ``old`` became and in how many names, when it became no other and
    nearly every name holding it (REWRITTEN_SHARE) shows it so; else a count of 0."""
    [(new, count)] = news.most_common(1)
    holders = sum(1 for name in names if _holds(name, old))
    return new, count if len(news) == 1 and count >= REWRITTEN_SHARE * holders else 0


def rewritten_event(
    kind: str, found: Rewrites, start: SnapshotRef | None, ref: SnapshotRef
) -> Event:
    """``source.schema_changed``: the phrases rewritten, before and after in one order,
    and the note saying in how many names."""
    olds = sorted(found.phrases)
    news = [found.phrases[old][0] for old in olds]
    said = "; ".join(
        f"{_said(old)!r} now {_said(new)!r} ({found.phrases[old][1]} names)"
        for old, new in zip(olds, news, strict=True)
    )
    values = ({"agency": [_said(old) for old in olds]}, {"agency": [_said(new) for new in news]})
    note = f"names rewritten across the list, no agency renamed: {said}"
    return values_event(kind, values, note, start, ref)
