"""Which arriving agreement is which leaving one (``diffs/relabel.py`` asks it of a
list's rows): a pair that is one agreement relabelled (:func:`is_relabel`, paired by
:func:`match_relabels`, closest names first), and a row that repeats an agreement still
listed under a variant name (:func:`is_duplicate`). The principle is
``diffs/identity.py``'s: an agreement is its papers, not its label; the primitives
(labels, cores, places, bodies) are its too."""

from __future__ import annotations

import re
from collections import Counter

from diffs.counties import county_words, places_apart, state_corrected
from diffs.identity import (
    Label,
    bodies,
    close_names,
    core_in_county,
    county_alike,
    other_places,
    same_agency,
    same_core,
    same_papers,
    same_place,
    similarity,
)
from diffs.slips import one_slip


def is_relabel(new: Label, old: Label, threshold: float, alone: bool = False) -> bool:
    """Whether an arriving agreement and a leaving one are one agreement relabelled.
    With papers in common: close names of one government (:func:`other_places`).
    Without: the same agency (:func:`same_agency`) or, in the same
    place, one word mistyped (:func:`one_slip`); names merely alike (``Lakeland``,
    ``Oakland``) are two agencies, even leaving and arriving in one window. ``alone``:
    the two are the only agreements of their state, model and signed date leaving and
    arriving in the window (:func:`_body_renamed` asks it)."""
    if new.model != old.model:
        return False
    papers = same_papers(new, old)
    if new.state != old.state:  # a state corrected: same papers and the same name (or
        # one alike in whole and in its core: ``Macon Sheriff's Office`` in TN is not
        # ``Yuma County Sheriff's Office`` in AZ signed the same day), or without them, a
        # county only the new state has
        alike = papers and (
            new.name_key == old.name_key or _alike(new.name_key, old.name_key, threshold)
        )
        if alike and not other_places(new.name_key, old.name_key):
            return True
        return state_corrected(new, old)
    if papers:
        return (
            close_names(new.name_key, old.name_key)
            and not other_places(new.name_key, old.name_key)
            and not places_apart(new, old)
            and (
                bool(new.document and old.document)
                or _written_otherwise(new, old)
                or (alone and _body_renamed(new, old))
            )
        )
    if same_agency(new, old):
        return True
    return same_place(new, old) and one_slip(new.name_key, old.name_key)


def _written_otherwise(a: Label, b: Label) -> bool:
    """Whether two names sharing only a signed date (one links no MOA yet) are one name
    written otherwise: one word mistyped, or each word of one's core that the other's
    lacks respelled there (``Alfa``, ``Alpha``; ``Gama``, ``Gamma``), the words of a
    county either names aside. ICE signs dozens of agreements a day, so a date alone does not make
    ``Pembroke Park Police Department`` leaving and ``Pembroke Pines Police Department``
    arriving one agreement, nor ``Melbourne Police Department`` and ``Melbourne Beach
    Police Department``: a word of its own is another place; the same MOA document
    would make them one."""
    if one_slip(a.name_key, b.name_key):
        return True  # ``Alachua Police Departent``
    mine = set(core_in_county(a.name_key, a.county))
    theirs = set(core_in_county(b.name_key, b.county))
    own, other = mine - theirs - county_words(a), theirs - mine - county_words(b)
    return _respelled(own, theirs - mine) and _respelled(other, mine - theirs)


# Words of a name's core that say what kind of body or unit an agency is, never where
# it is, and of the same work, policing (``Department of Public Safety``, ``Division``,
# ``Highway Patrol``): a name gaining or losing only such words names the same place's
# agency, renamed. Not custody (``Corrections``, ``Jail``), courts (``Marshal``,
# ``Constable``), an authority or a task force: another body of the same place.
BODY_WORDS = frozenset(
    {"public", "safety", "division", "bureau", "unit", "service", "services", "patrol",
     "highway", "law", "enforcement"}
)  # fmt: skip
# Words of other work a body of a place does, no place either: two names sharing only
# these and the words above share no place (``Department of Corrections``).
WORK_WORDS = BODY_WORDS | frozenset(
    {"corrections", "correctional", "detention", "jail", "facility", "center", "marshal",
     "marshals", "constable", "constables", "authority", "commission", "force", "task",
     "operations", "protection", "protective", "investigation", "investigations",
     "criminal", "justice", "security", "transit"}
)  # fmt: skip


def _body_renamed(new: Label, old: Label) -> bool:
    """Whether two names sharing only a signed date are one agency renamed, not two
    places: one's core holds the other's, and the words only the longer has say what
    kind of body or unit it is (``Bellmont Police Department`` and ``Bellmont Department
    of Public Safety``; ``X`` and ``X Division``: :data:`BODY_WORDS`); a merger is no
    rename (``A-B Regional Police Department``: ``Bellmont Heights Regional`` is as
    like, another place's). Asked only
    of a pair alone in its window (the only agreements of their state, model and
    signed date leaving and arriving: two such pairs, which is whose is unknown) and
    in one place (the same type where both state one, the same county where both name
    one). A word of its own that names no kind of body is another place
    (``Melbourne Beach``, ``Pembroke Park`` and ``Pembroke Pines``: ICE signs dozens of
    agreements a day, several in one county), and two bodies of one place sharing
    nothing but its name are two agencies (``Florida Highway Patrol``, ``Florida
    Department of Law Enforcement``: neither core holds the other; nor two bodies whose
    names share no word but of bodies, ``Department of Corrections`` and ``Division of
    Corrections and Public Safety``)."""
    types = new.agency_type, old.agency_type
    if all(types) and types[0] != types[1]:
        return False
    if not county_alike(new, old):
        return False
    mine = set(core_in_county(new.name_key, new.county))
    others = set(core_in_county(old.name_key, old.county))
    shorter = min(mine, others, key=len)
    if mine == others or not shorter - WORK_WORDS:
        return False  # no word of a place in common (``Department of Corrections``)
    longer, shorter = (mine, others) if mine >= others else (others, mine)
    return longer >= shorter and longer - shorter <= BODY_WORDS


def _respelled(words: set[str], others: set[str]) -> bool:
    """Whether each of ``words`` is one of ``others`` respelled: the same sounds
    (``ph`` for ``f``, a letter doubled or not). Not merely alike: ``Sunrise`` and
    ``Surfside``, ``Margate`` and ``Marathon`` are two cities (a word mistyped is
    :func:`one_slip`'s)."""
    sounds = {_sounds(o) for o in others}
    return all(_sounds(w) in sounds for w in words)


def _sounds(word: str) -> str:
    return _DOUBLED.sub(r"\1", word.replace("ph", "f"))


_DOUBLED = re.compile(r"(.)\1+")


def is_duplicate(new: Label, listed: Label) -> bool:
    """An arriving row that repeats an agreement still listed, under a variant name:
    the same state, model and signed date, the same kind of body and no other government
    (:func:`other_places`), and either the same MOA document and close names or, without
    documents to compare, the same core (:func:`same_core`)."""
    if (new.state, new.model) != (listed.state, listed.model) or new.agency_id == listed.agency_id:
        return False
    if not (new.signed and new.signed == listed.signed):
        return False
    if bodies(new.name_key) != bodies(listed.name_key) or other_places(
        new.name_key, listed.name_key
    ):
        return False  # ``Lake Helen Police Department`` beside ``Lake County Sheriff's Office``
    if places_apart(new, listed):
        return False  # one name, two governments (``diffs/homonyms.py``)
    if new.document and listed.document:
        if new.document != listed.document:
            return False
        return close_names(new.name_key, listed.name_key)
    # without documents, only the name written otherwise (``City of`` said or not, a
    # word written short): a name with words of its own is another place's
    # (``Melbourne Beach Police Department`` beside ``Melbourne Police Department``)
    return same_core(
        core_in_county(new.name_key, new.county), core_in_county(listed.name_key, listed.county)
    )


def _alike(a: str, b: str, threshold: float) -> bool:
    """Names alike as written, ``threshold`` similar, and in their cores (close_names):
    the generic words two agencies' names share make them alike as written alone."""
    return similarity(a, b) >= threshold and close_names(a, b)


def match_relabels(
    new: list[Label], old: list[Label], threshold: float
) -> list[tuple[Label, Label]]:
    """Pair arriving agreements with leaving ones, closest names first, each used once.
    A pair sharing only a signed date is one agreement renamed by its kind of body
    (:func:`_body_renamed`) only when it is the one agreement of its state, model and
    date arriving and the one leaving: two of either, and which is whose is unknown."""
    dated = Counter((n.state, n.model, n.signed) for n in new)
    dated.update((o.state, o.model, o.signed) for o in old)
    scored = sorted(
        (
            (-similarity(n.name_key, o.name_key), n.key, o.key, n, o)
            for n in new
            for o in old
            if is_relabel(n, o, threshold, dated[(n.state, n.model, n.signed)] == 2)
        ),
        key=lambda t: t[:3],
    )
    used_new: set[str] = set()
    used_old: set[str] = set()
    pairs = []
    for _, n_key, o_key, n, o in scored:
        if n_key not in used_new and o_key not in used_old:
            used_new.add(n_key)
            used_old.add(o_key)
            pairs.append((n, o))
    return pairs
