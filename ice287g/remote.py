"""What a live pass downloads: each file's role (the observation's claimed kind), its
canonical ICE URL and the URL asked for (a mirror's), what its body must be, its
archive suffix, and what a new file of it is compared with."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag

from parsers.list_links import basename
from parsers.urls import ICE_ORIGIN
from scraper.policy import Expect

SUFFIX = {"page": ".html", "pdf": ".pdf"}  # a sheet's is sniffed: .xlsx or .csv
EXPECT: dict[str, Expect] = {
    "page": "page",
    "participating": "sheet",
    "pending": "sheet",
    "moa": "pdf",
}


@dataclass(frozen=True)
class RemoteFile:
    """One file ICE publishes, to download: its role (the observation's claimed
    kind), canonical ICE URL, the URL actually requested, and what the body must be."""

    kind: str
    canonical: str
    fetch_url: str
    expect: Expect

    @property
    def name(self) -> str:
        return basename(self.canonical)


def canonical_url(url: str, base_url: str) -> str:
    """The ICE form of a URL found on the page or in a sheet (fragment dropped):
    a URL under ``base_url`` (a mirror) is mapped back to https://www.ice.gov."""
    url = urldefrag(url)[0]
    base = base_url.rstrip("/")
    if base != ICE_ORIGIN and (url == base or url.startswith(base + "/")):
        return ICE_ORIGIN + url[len(base) :]
    return url


def latest_key(kind: str | None, url: str | None) -> tuple[str, str | None]:
    """Lists are compared with the last file of the same list, whatever its URL; the
    page and MOAs with the last file behind the same URL."""
    kind = kind or "unknown"
    return (kind, url if kind in ("page", "moa") else None)


def in_parts(role: str, urls: tuple[str, ...]) -> str:
    """Why a list linked only in parts (a model's, a state's, a summary) is not fetched:
    no file is the whole list, and a part is never read as the whole."""
    where = (
        f"published in {len(urls)} parts"
        if len(urls) > 1
        else "linked only as a part, no whole list found"
    )
    return (
        f"the {role} list is {where} (by model, state or summary: {', '.join(urls)}); "
        f"ice287g reads a list from one whole file, and a part read as the whole list "
        f"would withdraw the others' agreements"
    )
