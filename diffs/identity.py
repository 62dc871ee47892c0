"""Agency identity: stable ids, reviewed aliases, and rename detection.

An agency's id is made from its state and the identity key of the first name it was
seen under (``tx-harris-county-sheriff-office``) and never changes. Other names reach
it through aliases: those reviewed by hand in ``aliases.toml`` beside this file, and
those the engine detects as renames (recorded as ``agency.renamed`` events).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from parsers.normalize import agency_key
from parsers.records import ListingRow

ALIAS_FILE = Path(__file__).with_name("aliases.toml")


def alias_key(state: str, key: str) -> str:
    return f"{state}|{key}"


def make_agency_id(state: str, key: str) -> str:
    """The readable, stable id of an agency first seen as ``key`` in ``state``."""
    return f"{state.lower()}-{key.replace(' ', '-')}" if key else f"{state.lower()}-unnamed"


def load_aliases(path: Path = ALIAS_FILE) -> dict[str, str]:
    """Reviewed aliases: ``alias_key(state, key of name)`` -> agency id of ``same_as``."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    result: dict[str, str] = {}
    for item in data.get("alias", []):
        state = str(item["state"]).upper()
        target = make_agency_id(state, agency_key(item["same_as"]))
        result[alias_key(state, agency_key(item["name"]))] = target
    return result


def resolve(row: ListingRow, aliases: Mapping[str, str]) -> str:
    """The agency id a row belongs to (without rename detection)."""
    return aliases.get(alias_key(row.state, row.agency_key)) or make_agency_id(
        row.state, row.agency_key
    )


@dataclass(frozen=True)
class AgencyRows:
    """The rows one unresolved or vanished agency has in a list."""

    agency_id: str
    state: str
    key: str
    models: frozenset[str]
    signed: frozenset[str]
    moa_urls: frozenset[str]


def group_rows(agency_id: str, rows: Iterable[ListingRow]) -> AgencyRows:
    rows = list(rows)
    return AgencyRows(
        agency_id=agency_id,
        state=rows[0].state,
        key=rows[0].agency_key,
        models=frozenset(r.model or "?" for r in rows),
        signed=frozenset(r.signed.isoformat() for r in rows if r.signed),
        moa_urls=frozenset(r.moa_url for r in rows if r.moa_url),
    )


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def is_rename(new: AgencyRows, old: AgencyRows, threshold: float) -> bool:
    """Whether a vanished agency and a new one are the same agency under a new name.

    The same models are required, and the same state unless ICE corrected the state
    of an agency whose name and papers are unchanged. Then either the names are very close,
    or the names are fairly close and the signed dates or MOA links agree (which tells
    apart e.g. Lake County and Lee County, whose names are close too)."""
    if new.models != old.models:
        return False
    score = similarity(new.key, old.key)
    same_papers = bool(new.signed and new.signed == old.signed) or bool(
        new.moa_urls and new.moa_urls & old.moa_urls
    )
    if new.state != old.state:
        return same_papers and new.key == old.key
    if same_papers:
        return score >= 0.6 or _contains(new.key, old.key)
    return score >= max(threshold, 0.92)


def _contains(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a)


def match_renames(
    new: list[AgencyRows], vanished: list[AgencyRows], threshold: float
) -> list[tuple[AgencyRows, AgencyRows]]:
    """Pair new agencies with vanished ones, best match first, each used once."""
    scored = sorted(
        (
            (similarity(n.key, o.key), n.agency_id, o.agency_id, n, o)
            for n in new
            for o in vanished
            if is_rename(n, o, threshold)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_new: set[str] = set()
    used_old: set[str] = set()
    pairs = []
    for _, n_id, o_id, n, o in scored:
        if n_id not in used_new and o_id not in used_old:
            used_new.add(n_id)
            used_old.add(o_id)
            pairs.append((n, o))
    return pairs
