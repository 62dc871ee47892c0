"""The vocabulary of offices, and recognition slips in it mended by edit distance.

Agency names and signers' titles are built from a small vocabulary (``Sheriff's
Office``, ``Department of Corrections``, ``Chief of Police``). A scan's recognition
turns a letter or two of such a word into another (``Sherifrs``, ``Departrnent``,
``Countv``): a word that is not itself an office word, within one edit (two in a long
word) of an office word with the same first letter, and closer to it than to any other,
is that word. Place names are not office words and are left as read: the words just
before a place word (``Marshall County``) or just after one (``City of Warren``) and,
in an agency name without one, its first word (``Marshall Police Department``,
``Parrish Police Department``, ``Country Club Hills Police Department``). A signer's
title is mended from the same vocabulary (:func:`repair_title`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

OFFICE_WORDS = frozenset({
    "Acting", "Administrator", "Agency", "Assistant", "Associate", "Attorney", "Authority",
    "Board", "Bureau", "Captain", "Chief", "Colonel", "Commission", "Commissioner",
    "Commissioners", "Constable", "Correction", "Correctional", "Corrections", "Customs",
    "Department", "Deputy", "Detention", "Director", "Directors", "Division", "Enforcement",
    "Executive", "General", "Guard", "Highway", "Immigration", "Interim", "Investigation",
    "Investigations", "Investigative", "Jail", "Lieutenant", "Manager", "Marshal", "Marshals",
    "Office", "Officer", "Officers", "Operations", "Patrol", "Police", "Public", "Removal",
    "Safety", "Secretary", "Security", "Service", "Services", "Sheriff", "Sheriff's",
    "Sheriffs", "Superintendent", "Undersheriff", "Warden",
})  # fmt: skip
PLACE_WORDS = frozenset({"County", "City", "Town", "Village", "Parish", "Borough", "Township"})
_SMALL = frozenset({"of", "the", "and", "for", "&"})
_FOLDED = {word.lower(): word for word in OFFICE_WORDS | {"County"} if len(word) >= 5}


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, row = row, current
    return row[-1]


def office_word(word: str) -> str | None:
    """The office (or place) word ``word`` is a slip of, when one is closest and close
    enough (a capital I read as a lower-case l counts as no slip)."""
    read = word.strip(".,;:")
    stem = re.sub(r"['\u2019]s$", "", read)
    if stem != read and stem in OFFICE_WORDS:
        return None  # an office word's possessive (``Constable's``), as written
    core = "I" + read[1:] if re.match(r"l[a-z]{4}", read) else read
    folded = core.lower()
    if folded in _FOLDED and core != read:
        return word.replace(read, _FOLDED[folded])
    if len(core) < 5 or folded in _FOLDED or not core[0].isupper():
        return None
    allowed = 2 if len(core) >= 8 else 1
    near = sorted(
        (distance(folded, low), known) for low, known in _FOLDED.items() if low[0] == folded[0]
    )
    if not near or near[0][0] > allowed or (len(near) > 1 and near[1][0] == near[0][0]):
        return None
    mended = near[0][1]
    return word.replace(read, mended.upper() if core.isupper() else mended)


def mend_office_words(text: str, first_is_place: bool = True) -> str:
    """``Lee County Sherifrs Office`` -> ``Lee County Sheriffs Office``: office words
    mended, place names kept as read. ``first_is_place``: an agency name (its first
    word names a place when no place word does), not a title."""
    words = [_county(w) if i else w for i, w in enumerate(text.split())]
    kept = _place_names(words, first_is_place)
    mended = [w if i in kept else office_word(w) or w for i, w in enumerate(words)]
    return " ".join(mended)


def _county(word: str) -> str:
    """``Countv`` -> ``County`` (after a place name: ``Country Club Hills`` starts one)."""
    mended = office_word(word)
    return mended if mended and mended.strip(".,;:") == "County" else word


def _place_names(words: Sequence[str], first_is_place: bool) -> set[int]:
    """Indexes of the words naming a place: the run of words before each place word and
    the one after ``<place word> of``; else (``first_is_place``) the first word."""
    kept: set[int] = set()
    for i, word in enumerate(words):
        if re.sub(r"\W+$", "", word) not in PLACE_WORDS:
            continue
        kept |= _run(words, range(i - 1, -1, -1), backward=True)
        if i + 2 < len(words) and words[i + 1] == "of":
            kept |= _run(words, range(i + 2, len(words)), backward=False)
    if not kept and words and first_is_place:
        kept.add(0)
    return kept


def _run(words: Sequence[str], indexes: range, backward: bool) -> set[int]:
    """The capitalised words from the start of ``indexes`` up to a small word, an office
    word or a comma (``Sheriff, Marshall County``; ``City of Warren, Ohio``)."""
    found: set[int] = set()
    for j in indexes:
        word = words[j]
        bare = word.strip(".,;:")
        if not bare[:1].isupper() or bare in OFFICE_WORDS or (backward and word.endswith(",")):
            break
        found.add(j)
        if word.endswith(","):
            break
    return found


# Words of signers' offices, for mending titles clipped or split by a signature stroke.
_OFFICE_WORDS = OFFICE_WORDS | {"County"}


def repair_title(title: str | None, vocabulary: Counter[str]) -> str | None:
    """A title with recognition slips mended: a clipped first word (``ecutive``), words
    run together (``xecutiveAssociate``) or split (``Swee ater``), from the office words
    and the document's own frequent spellings (``vocabulary``: :func:`word_counts`);
    office words misread by a letter or two (``Sherifr``) from the office vocabulary."""
    if not title:
        return title
    title = mend_office_words(title, first_is_place=False)
    known = _OFFICE_WORDS | {w for w, n in vocabulary.items() if n >= 3 and w[0].isupper()}
    words = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", title).split()
    words = _join_split_words(words, known)
    mended = [_unclip(word, known) if i == 0 else word for i, word in enumerate(words)]
    if not mended or mended[0] not in known:
        return title  # not recognisably an office: left as read
    return " ".join(mended)


def _join_split_words(words: list[str], known: frozenset[str] | set[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and out[-1] not in known and word not in known:
            joined = _closest_known(out[-1] + word, known)
            if joined:
                out[-1] = joined
                continue
        out.append(word)
    return out


def _closest_known(word: str, known: frozenset[str] | set[str]) -> str | None:
    best = max(known, key=lambda k: SequenceMatcher(None, word, k).ratio(), default=None)
    if best and best[0] == word[0] and SequenceMatcher(None, word, best).ratio() >= 0.85:
        return best
    return None


def _unclip(word: str, known: frozenset[str] | set[str]) -> str:
    """A first word whose first letters a signature hid, when exactly one office word
    ends with it."""
    if word in known or len(word) < 4 or not word[0].islower():
        return word
    whole = [k for k in _OFFICE_WORDS if k.lower().endswith(word.lower()) and k != word]
    return whole[0] if len(whole) == 1 else word
