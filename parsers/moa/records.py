"""What one MOA PDF says: the record and its signature blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

PARTIES = ("agency", "ice")
"""The two parties every MOA is signed by (a third, ``other``, signs some)."""


@dataclass(frozen=True)
class SignatureBlock:
    """One signatory's block on the signature page.

    ``party`` is ``agency`` (the law enforcement agency), ``ice`` or ``other`` (a third
    signatory such as a state attorney general or a town manager). ``date_raw`` keeps
    the text the date was read from, or the unreadable text found in the date field;
    ``date_ocr`` says the date was read by OCR from the page image. ``doubt`` says why a
    date that was read is not believed (:mod:`parsers.moa.plausible`): the date is then
    None and its text stays in ``date_raw``. ``box`` is where the block lies on its
    ``page`` (left, top, right, bottom, in points from the page's top-left): the
    signature page, or the page after it for a block the signature page had no room for.
    """

    party: str
    name: str | None = None
    title: str | None = None
    date: date | None = None
    date_raw: str | None = None
    date_ocr: bool = False
    doubt: str | None = None
    box: tuple[float, float, float, float] | None = field(default=None, compare=False)
    page: int | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict, date as ISO text."""
        return {
            "party": self.party,
            "name": self.name,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "date_raw": self.date_raw,
            "date_ocr": self.date_ocr,
            "doubt": self.doubt,
            "box": [round(v, 1) for v in self.box] if self.box else None,
            "page": self.page,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureBlock:
        """Inverse of :meth:`to_dict`."""
        return cls(
            party=str(data["party"]),
            name=data.get("name"),
            title=data.get("title"),
            date=iso_date(data.get("date")),
            date_raw=data.get("date_raw"),
            date_ocr=bool(data.get("date_ocr")),
            doubt=data.get("doubt"),
            box=_box(data.get("box")),
            page=data.get("page") if isinstance(data.get("page"), int) else None,
        )


@dataclass(frozen=True)
class MoaRecord:
    """What one MOA PDF says, as far as its text layer tells.

    ``model_evidence`` is where the model was read: ``body`` (the document's heading or
    template wording), ``title`` (PDF metadata) or ``filename`` (the source name or URL).
    ``template_revision`` is the ISO date of the footer's ``Revised MM/DD/YYYY`` (the
    raw footer text when it is not a clean date). ``ice_signed`` and ``agency_signed``
    are the dates of the first ICE and agency signature blocks. ``has_text_layer`` is
    true when at least half of the pages carry text. ``is_addendum`` is true when the
    document itself is an addendum to an MOA (not an MOA with an addendum appended).
    ``signature_text`` is the raw text of the signature page(s), for audit.
    ``text_shift_decoded`` says a shifted-font text run was decoded. ``ocr_pages`` are
    the pages read by OCR: those that carry no text layer, and the first pages when
    their text layer names no agency. ``signature_page`` is the
    page the signature blocks were read from; ``doubtful`` lists the dates read but not
    believed, with the reason (see :mod:`parsers.moa.plausible`).
    """

    sha256: str
    source: str = "<bytes>"
    url: str | None = None
    model: str | None = None
    model_evidence: str | None = None
    agency: str | None = None
    state: str | None = None
    field_office: str | None = None
    template_revision: str | None = None
    signatures: tuple[SignatureBlock, ...] = ()
    ice_signed: date | None = None
    agency_signed: date | None = None
    pages: int = 0
    has_text_layer: bool = False
    is_addendum: bool = False
    signature_text: str = ""
    error: str | None = None
    text_shift_decoded: bool = False
    ocr_pages: tuple[int, ...] = ()
    signature_page: int | None = None
    doubtful: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict in field order, dates as ISO text."""
        return {
            "sha256": self.sha256,
            "source": self.source,
            "url": self.url,
            "model": self.model,
            "model_evidence": self.model_evidence,
            "agency": self.agency,
            "state": self.state,
            "field_office": self.field_office,
            "template_revision": self.template_revision,
            "signatures": [s.to_dict() for s in self.signatures],
            "ice_signed": self.ice_signed.isoformat() if self.ice_signed else None,
            "agency_signed": self.agency_signed.isoformat() if self.agency_signed else None,
            "pages": self.pages,
            "has_text_layer": self.has_text_layer,
            "is_addendum": self.is_addendum,
            "signature_text": self.signature_text,
            "error": self.error,
            "text_shift_decoded": self.text_shift_decoded,
            "ocr_pages": list(self.ocr_pages),
            "signature_page": self.signature_page,
            "doubtful": list(self.doubtful),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MoaRecord:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["signatures"] = tuple(
            SignatureBlock.from_dict(s) for s in values.get("signatures") or ()
        )
        values["ice_signed"] = iso_date(values.get("ice_signed"))
        values["agency_signed"] = iso_date(values.get("agency_signed"))
        values["ocr_pages"] = tuple(values.get("ocr_pages") or ())
        values["doubtful"] = tuple(values.get("doubtful") or ())
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in known})


def iso_date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _box(value: object) -> tuple[float, float, float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    left, top, right, bottom = (float(v) for v in value)
    return left, top, right, bottom
