"""Memorandum of Agreement (MOA) PDFs: bytes in, one :class:`MoaRecord` out.

ICE links a signed MOA PDF from each row of its 287(g) lists. They come from three
templates (Jail Enforcement Model, Warrant Service Officer, Task Force Model) revised
over the years, mostly as scans: some with a text layer made by scan recognition (noisy
around signature lines, hand-written dates lost), some with none at all but a line or
two of typed e-signature text, one with labels in a font whose characters extract
shifted by a constant code-point offset (``6LJQDWXUH`` for ``Signature``).

:func:`parse_moa` reads what the text layer holds and says where it found it:

- the model from the body (heading or template wording), else the PDF title metadata,
  else the file name or URL (``model_evidence``);
- the agency from the Parties paragraph (else the page footers), mended against the
  document's own repeated spellings (``Countv`` -> ``County`` from the footers);
- the state, ERO field office, template revision (``Revised MM/DD/YYYY`` footers, by
  majority over pages) and the signature blocks (party, name, title, date) from the
  signature page, read by position so that the two columns do not mix.

Hand-written values that the text layer does not hold are left ``None`` (with the
recognised text, if any, in ``date_raw``): the parser never guesses a date.

Pure and total: no network, no database, and it never raises; anything unreadable
(encrypted, truncated, not a PDF, no text) gives a record whose ``error`` says why,
holding whatever could be read. Text and character positions come from PDFium (via
pypdfium2, used directly; pdfplumber is only the benchmark's yardstick): the parse
takes a small fraction of the time pdfminer needs only to extract the text (see
bench/bench_moa.py). A date the document itself makes impossible is not believed
(:mod:`parsers.moa.plausible`). PDFium is
not thread-safe: call this from one thread at a time per process. Given an OCR engine
(:mod:`parsers.ocr`), pages without a text layer are read from their images.
"""

from parsers.moa.dates import find_date, strict_date
from parsers.moa.document import parse_moa
from parsers.moa.ocr_fill import fill_signers
from parsers.moa.offices import repair_title
from parsers.moa.records import MoaRecord, SignatureBlock
from parsers.moa.text import word_counts

__all__ = [
    "MoaRecord",
    "SignatureBlock",
    "fill_signers",
    "find_date",
    "parse_moa",
    "repair_title",
    "strict_date",
    "word_counts",
]
