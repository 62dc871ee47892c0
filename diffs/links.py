"""Links compared as documents, not as text.

Principle: a link names a document; two cell values that lead to the same document are
the same value. ICE wraps and unwraps its MOA links in Outlook SafeLinks redirects,
writes ``http`` or ``https``, upper- or lower-case hosts, different percent-encodings
of one path (once or twice) and a trailing slash: none of that is a change. Nor is a
document file moved to another folder of the same site (its name's case and separators
rewritten or not, or served as a page of its name), or to the same path of another
site (a site moved), nor a query that selects
nothing: parameters that track a click (``utm_source``, ``fbclid``,
...), or any query on a document file's path (``.pdf``): a static file is named by its
path, and a query there is a cache buster or a tracker. The stored value keeps what
ICE published; only the comparison uses the repaired, canonical form.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

from parsers.urls import repair_url

LINK_FIELDS = ("moa_url", "addendum_url")
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".csv")
TRACKING_PREFIXES = ("utm_", "mc_", "_ga", "_gl", "fbclid", "gclid", "msclkid", "dclid")


@lru_cache(maxsize=16384)
def canonical_link(raw: str | None) -> str | None:
    """The document a link leads to: redirect wrappers removed, scheme and host case
    folded, the path percent-decoded. None for no link or text that is not a link.
    Remembered (a pure function of the text): the same links are compared again at
    every capture of a list."""
    if not raw:
        return None
    repaired = repair_url(raw)
    if repaired is None:
        return " ".join(raw.split()).lower() or None
    parts = urlsplit(repaired)
    host = (parts.hostname or "").lower()
    if host == "ice.gov":
        host = "www.ice.gov"
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    path = _decoded(parts.path).rstrip("/") or "/"
    return urlunsplit((scheme, host, path, _document_query(path, parts.query), ""))


def _decoded(path: str) -> str:
    """A path percent-decoded until it stays the same (a link encoded twice, ``%2520``,
    names the document encoded once), at most three times."""
    for _ in range(3):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    return path


def _document_query(path: str, query: str) -> str:
    """The part of a query that may select a document: none on a document file's path,
    else the parameters that do not merely track the click."""
    if not query or path.lower().endswith(DOCUMENT_SUFFIXES):
        return ""
    pieces = query.split("&")
    kept = [p for p in pieces if not p.partition("=")[0].lower().startswith(TRACKING_PREFIXES)]
    return unquote("&".join(kept))


def same_document(a: str | None, b: str | None) -> bool:
    """Whether two link values lead to the same document (both empty counts as same):
    the same canonical link, or the same document file moved to another folder of the
    same site (``/doclib/287gMOA/x.pdf`` and ``/sites/default/files/x.pdf``, renamed in
    case and separators or not), or to the same path of another site: a site
    reorganised or moved, not a document changed (what a document holds is compared
    when the MOA is read)."""
    first, second = canonical_link(a), canonical_link(b)
    return first == second or _moved(first, second)


def _moved(first: str | None, second: str | None) -> bool:
    """Whether two canonical links are one document file in two folders of one site, or
    at one path of two sites (a site moved keeps its paths: ``www.ice.gov/doclib/...``
    to ``www.dhs.gov/doclib/...``). Both at once is another document. In another folder
    the file may be renamed in its case and separators (``Alpha_Co_TX_JEM_MOA.pdf``,
    ``alpha-co-tx-jem-moa.pdf``) or served as a page of its name (no ``.pdf``): its
    letters and digits name it. In its own folder, a name written with a space more or
    less (``287gJEM_ montgomeryCoTX_...``) is a slip typing the link, not a file."""
    if first is None or second is None:
        return False
    old, new = urlsplit(first), urlsplit(second)
    if old.netloc != new.netloc:
        return old.path == new.path and old.path.lower().endswith(DOCUMENT_SUFFIXES)
    (folder, name), (new_folder, new_name) = (
        (path.rsplit("/", 1)[0], path.rsplit("/", 1)[-1].lower()) for path in (old.path, new.path)
    )
    if not (name.endswith(DOCUMENT_SUFFIXES) or new_name.endswith(DOCUMENT_SUFFIXES)):
        return False
    if folder == new_folder:  # a name rewritten in place may be another upload, but
        return "".join(name.split()) == "".join(new_name.split())  # a space is a slip
    return _letters(name) == _letters(new_name) != ""


def _letters(name: str) -> str:
    """A file name's letters and digits, its document suffix dropped."""
    stem = next((name[: -len(s)] for s in DOCUMENT_SUFFIXES if name.endswith(s)), name)
    return "".join(char for char in stem if char.isalnum())
