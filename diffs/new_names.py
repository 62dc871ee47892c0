"""A name no one knows yet: which agency it is (for the engine, before the list's diff).

A row whose name no alias or registry knows, and whose id is no listed agency's, may be
a known agency's name written otherwise: its words in another order, the same letters
(a space more or less, an accent or an apostrophe dropped), the kind of its
municipality said or not, a word written short. The known agencies are asked first,
then the names the id registry gives agencies this history has not listed yet, so an
agency first listed under another writing of a registered name takes the registered id
(``Mc Cormick`` before ``McCormick``). Pure: ids, rows and names in, ids out; the rules
for names are :mod:`diffs.identity`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from diffs.abbreviations import has_short_words, written_short
from diffs.identity import Known, alias_key, letters, municipal_place
from diffs.numbers import words
from parsers.normalize import agency_key, without_state_name
from parsers.records import ListingRow


def by_words(
    ids: list[str],
    rows: Sequence[ListingRow],
    known: Mapping[str, Known],
    aliases: Mapping[str, str],
) -> list[str]:
    """``ids`` with each new agency (a name no alias or registry knows, whose id is not
    ``known``) replaced by the known agency of its state whose name has the same words
    in another order (``Constable Unity Township``, ``Unity Township Constable``), when
    exactly one has; else by the one whose name has the same letters in order, spaces
    and accents aside (``De Soto``, ``DeSoto``: :func:`letters`), when exactly one has;
    else by the one whose name has the same words but says the kind of its municipality
    where the other does not (``City of Dunnellon Police Department``, ``Dunnellon
    Police Department``; a town's and a city's of one name are two agencies), when
    exactly one has; else by the one whose name it is with words written short
    (``Coolspring Twp Const. Office``), when exactly one is. A name none of the known
    agencies is may be a writing of one the registry gives an id and this history has
    not listed yet (``Mc Cormick`` before ``McCormick``): the same rules, among the
    registry's names, give it that agency's id, so its later writing is it too."""
    new = [
        i
        for i, (agency_id, row) in enumerate(zip(ids, rows, strict=True))
        if agency_id not in known and alias_key(row.state, row.agency_key) not in aliases
    ]
    result = list(ids)
    if not new:
        return result
    listed = [(agency_id, (a.state, a.key, a.name)) for agency_id, a in known.items()]
    listed += _known_by(aliases, known)
    # an agency the list lists under its own name for a model is not, for that model,
    # the agency of another name beside it (``Town of Brookfield Police Department``
    # beside ``Brookfield Police Department``, the city's): a second agency, or a row
    # repeated, which the relabel rules tell by its papers
    fresh = set(new)
    taken = {(ids[i], rows[i].model) for i in range(len(ids)) if i not in fresh}
    left = _matched(result, new, rows, _Match(listed), taken)
    if left:
        reserved = _reserved(aliases, known, {rows[i].state for i in left})
        _matched(result, left, rows, _Match(reserved), taken)
    return result


def _matched(
    result: list[str],
    new: list[int],
    rows: Sequence[ListingRow],
    match: _Match,
    taken: set[tuple[str, str | None]],
) -> list[int]:
    """Give each row of ``new`` (by its index) the one agency ``match`` finds it is, in
    ``result``, unless the list lists that agency for the row's model (``taken``); the
    rows left."""
    left = []
    for at in new:
        found = match(rows[at])
        if found is None or (found, rows[at].model) in taken:
            left.append(at)
        else:
            result[at] = found
    return left


def _known_by(
    aliases: Mapping[str, str], known: Mapping[str, Known]
) -> list[tuple[str, tuple[str, str, str]]]:
    """The other names known agencies are known by (their aliases: ``Walker County
    Sheriff's Office`` for the agency keyed ``walker county sheriff department``), so a
    name written otherwise is matched to them too."""
    return _alias_names(
        aliases, lambda agency_id, key: agency_id in known and key != known[agency_id].key
    )


def _reserved(
    aliases: Mapping[str, str], known: Mapping[str, Known], states: set[str]
) -> list[tuple[str, tuple[str, str, str]]]:
    """The names the registry gives ids this history has no agency of yet, in
    ``states``."""
    names = _alias_names(aliases, lambda agency_id, _: agency_id not in known)
    return [(agency_id, name) for agency_id, name in names if name[0] in states]


def _alias_names(
    aliases: Mapping[str, str], wanted: Callable[[str, str], bool]
) -> list[tuple[str, tuple[str, str, str]]]:
    """Each alias (``state|key``) whose agency id and key are ``wanted``, as a name
    ``_Match`` reads: (agency id, (state, key, key as its name))."""
    found = []
    for alias, agency_id in aliases.items():
        state, _, key = alias.partition("|")
        if wanted(agency_id, key):
            found.append((agency_id, (state, key, key)))
    return found


class _Match:
    """:func:`by_words`'s rules over ``names`` (agency id, (state, key, name)): the one
    agency a row's name is, or None."""

    def __init__(self, names: list[tuple[str, tuple[str, str, str]]]) -> None:
        self.reordered: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        self.stateless: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        self.spelled: dict[tuple[str, str], set[str]] = {}
        self.placed: dict[tuple[str, tuple[str, ...]], list[tuple[str, frozenset[str]]]] = {}
        self.shortened: list[tuple[str, str, str]] = []
        self.names = names
        for agency_id, (state, key, name) in names:
            self.reordered.setdefault((state, words(key)), set()).add(agency_id)
            bare = words(without_state_name(key, state))
            self.stateless.setdefault((state, bare), set()).add(agency_id)
            self.spelled.setdefault((state, letters(name, state)), set()).add(agency_id)
            place, kinds = municipal_place(key)
            self.placed.setdefault((state, place), []).append((agency_id, kinds))
            if has_short_words(name, state):
                self.shortened.append((agency_id, state, name))

    def __call__(self, row: ListingRow) -> str | None:
        found = self.reordered.get((row.state, words(row.agency_key)), set())
        if not found:  # as written, its state not taken off: an inverted name ends with
            # its own words (``Police Department, Arkansas State``)
            found = self.reordered.get((row.state, words(agency_key(row.agency))), set())
        if not found:  # its state's name before it said or not (``Highway Patrol``, FL)
            bare = words(without_state_name(row.agency_key, row.state))
            found = self.stateless.get((row.state, bare), set())
        if not found:
            found = self.spelled.get((row.state, letters(row.agency, row.state)), set())
        if not found:
            place, kinds = municipal_place(row.agency_key)
            places = self.placed.get((row.state, place), [])
            found = {agency_id for agency_id, theirs in places if not (kinds and theirs)}
        if not found:
            found = self._written_short(row)
        return next(iter(found)) if len(found) == 1 else None

    def _written_short(self, row: ListingRow) -> set[str]:
        """The agencies of the row's state whose names are the row's, words of one
        written short (:mod:`diffs.abbreviations`): among all when the row's name has
        such words, else among those whose names have."""
        if has_short_words(row.agency, row.state):
            among = [(a, state, name) for a, (state, _, name) in self.names]
        else:
            among = self.shortened
        return {
            agency_id
            for agency_id, state, name in among
            if state == row.state and written_short(row.agency, name, row.state)
        }
