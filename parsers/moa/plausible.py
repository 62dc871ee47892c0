"""Plausibility of signature dates, from the document itself.

A date read from a scan can be a valid calendar date and still impossible: OCR of a
hand-written ``4/8/2025`` reads as ``1/8/2025``, a day before the template it was
written on even existed. A signature date is not believed (left empty, its text kept in
``date_raw`` and the reason in the block's ``doubt`` and the record's ``doubtful``) when
it is:

- earlier than the template's own revision date (``Revised 02/15/2025`` footers): a form
  cannot be signed before it was written;
- earlier than an executive order the document cites (``Executive Order 13166``);
- earlier than ICE itself (1 March 2003), for a document naming U.S. Immigration and
  Customs Enforcement as its party (a year typed ``2002`` for ``2020``; the INS signed
  the program's agreements before);
- later than ``not_after``: the time the caller first observed the file (a document
  cannot be signed after it was captured), or today;
- for the agency's signature, later than ICE's by more than :data:`LEA_AFTER_ICE_DAYS`.
  The agency signs first and ICE countersigns: in the 21 corpus MOAs (2019-2025) the
  agency date is 1 to 126 days before ICE's, never after. The window leaves room for a
  countersignature dated a few weeks late, no more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from types import MappingProxyType

from parsers.moa.records import SignatureBlock

LEA_AFTER_ICE_DAYS = 30

# Executive orders MOAs cite, with the day each was signed (Federal Register).
EXECUTIVE_ORDERS: Mapping[str, date] = MappingProxyType(
    {
        "13166": date(2000, 8, 11),  # Improving Access to Services for Persons with LEP
        "13768": date(2017, 1, 25),  # Enhancing Public Safety in the Interior
        "14159": date(2025, 1, 20),  # Protecting the American People Against Invasion
    }
)
_EO = re.compile(r"Executive\s+Order\s*(?:No\.?\s*)?(\d{5})\b", re.I)

ICE_CREATED = date(2003, 3, 1)  # the Homeland Security Act's agencies began that day
_ICE = re.compile(r"Immigration\s+and\s+Customs\s+Enforcement", re.I)


def earliest_possible(template_revision: str | None, text: str) -> tuple[date, str] | None:
    """The latest date the document shows it was written after, and what shows it."""
    bounds: list[tuple[date, str]] = []
    if template_revision and re.fullmatch(r"\d{4}-\d\d-\d\d", template_revision):
        bounds.append((date.fromisoformat(template_revision), "the template's revision"))
    for number in set(_EO.findall(text)):
        if number in EXECUTIVE_ORDERS:
            bounds.append((EXECUTIVE_ORDERS[number], f"Executive Order {number}"))
    if _ICE.search(text):
        bounds.append((ICE_CREATED, "ICE's creation"))
    return max(bounds) if bounds else None


def doubt_dates(
    signatures: Sequence[SignatureBlock],
    earliest: tuple[date, str] | None,
    not_after: date | None,
) -> tuple[SignatureBlock, ...]:
    """The blocks with each impossible date taken out (kept raw, with the reason)."""
    checked = [_checked(s, earliest, not_after) for s in signatures]
    ice = next((s.date for s in checked if s.party == "ice" and s.date), None)
    if ice is None:
        return tuple(checked)
    late = ice + timedelta(days=LEA_AFTER_ICE_DAYS)
    return tuple(
        _doubted(s, f"more than {LEA_AFTER_ICE_DAYS} days after ICE's signature ({ice})")
        if s.party == "agency" and s.date and s.date > late
        else s
        for s in checked
    )


def _checked(
    sig: SignatureBlock, earliest: tuple[date, str] | None, not_after: date | None
) -> SignatureBlock:
    if sig.date is None:
        return sig
    if earliest and sig.date < earliest[0]:
        return _doubted(sig, f"before {earliest[1]} ({earliest[0]})")
    if not_after and sig.date > not_after:
        return _doubted(sig, f"after the document was observed ({not_after})")
    return sig


def _doubted(sig: SignatureBlock, why: str) -> SignatureBlock:
    reason = f"{sig.party} date {sig.date} read from {sig.date_raw!r} is {why}"
    return replace(sig, date=None, date_ocr=False, doubt=reason)
