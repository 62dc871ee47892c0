"""Pure URL helpers: repair the link forms ICE really publishes, rebase, allowlist.

No network and no httpx here. Every function is total: odd input gives ``None``
(or ``False``), never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit, urlunsplit

ICE_ORIGIN = "https://www.ice.gov"
ICE_HOSTS = frozenset({"www.ice.gov", "ice.gov"})
SAFELINKS_SUFFIX = ".safelinks.protection.outlook.com"
MAX_UNWRAP = 3

_NOT_LINKS = frozenset(
    {"link", "link pending", "pending", "n/a", "na", "#na", "none", "tbd", "-", "addendum"}
)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_CHROME_EXTENSION = re.compile(r"^chrome-extension://[^/]*/+", re.IGNORECASE)
_SCHEME = re.compile(r"^(https?)(?::/*|//+)", re.IGNORECASE)
_BARE_HOST = re.compile(
    r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:gov|com|org|net|edu|mil|us)(?:[/?#:]|$)", re.IGNORECASE
)
_RELATIVE = re.compile(r"^(?:doclib|sites|document|news|identify-and-arrest)/", re.IGNORECASE)
# From the start of a run of spaces only (tried inside a long run, each try read the run
# to its end: quadratic).
_SECOND_LINK = re.compile(r"(?<!\s)\s+(?=(?:https?:|www\.|chrome-extension:))", re.IGNORECASE)
_NETLOC = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?$")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)
_GOOGLE_HOSTS = frozenset({"www.google.com", "google.com"})
_DEFENSE_V3 = re.compile(r"^https?://urldefense\.com/v3/__(.+?)__;", re.IGNORECASE)
_DEFENSE_V2_ESCAPE = re.compile(r"-([0-9A-Fa-f]{2})")
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def says_pending(text: str | None) -> bool:
    """Whether a link cell's text says its document is yet to come (``link pending``,
    ``Pending``): no link, as opposed to ``link`` whose hyperlink a copy lost."""
    return "pending" in (text or "").lower()


MAX_URL_CHARS = 1000
"""The longest link read (the store's URL columns): no document's link of ICE's is near
it (the corpus's longest, once unwrapped from Outlook's SafeLinks, has 114 characters;
wrapped, 525); a longer one is no link."""


def repair_url(raw: str) -> str | None:
    """An absolute, fetchable http(s) URL for a link as found in a sheet or page, or None.

    Handles redirect wrappers (Outlook SafeLinks, Proofpoint URL Defense, Google's
    redirect: :func:`_wrapped`), ``chrome-extension://<id>/`` prefixes, one-slash
    schemes (``https:/www.ice.gov``), missing schemes (``www.ice.gov/...``), site-relative
    paths (``/doclib/...``), ``http`` for ice.gov, raw spaces and other unsafe characters
    (percent-encoded once, never twice), and placeholders such as ``link pending``.
    ``repair_url(repair_url(x)) == repair_url(x)`` whenever the first is not None. None
    for a link longer than ``MAX_URL_CHARS`` once repaired.
    """
    try:
        url = _repair(raw, 0)
    except (ValueError, UnicodeError):
        return None
    return url if url is None or len(url) <= MAX_URL_CHARS else None


def _repair(raw: str, depth: int) -> str | None:
    text = _clean(raw)
    if text is None:
        return None
    absolute = _absolutise(text)
    parts = urlsplit(absolute) if absolute else None
    if parts is None or not _NETLOC.match(parts.netloc.lower()):
        return None
    inner = _wrapped(parts, absolute or "")
    if inner is not None:
        return _repair(inner, depth + 1) if inner and depth < MAX_UNWRAP else None
    return _normalise(parts)


def _wrapped(parts: SplitResult, absolute: str) -> str | None:
    """The link a redirector wraps, as it carries it ("" when it carries none); None for
    a link that is no redirector's. A link copied from an e-mail or a document may be
    wrapped: by Outlook SafeLinks (``...safelinks.protection.outlook.com/?url=...``),
    Proofpoint URL Defense (``urldefense.com/v3/__<link>__;...``,
    ``urldefense.proofpoint.com/v2/url?u=https-3A__www.ice.gov_...``) or Google's
    redirect (``www.google.com/url?q=...``); each leads to the link it wraps."""
    host = (parts.hostname or "").lower()
    if host.endswith(SAFELINKS_SUFFIX) or host == SAFELINKS_SUFFIX[1:]:
        return parse_qs(parts.query).get("url", [""])[0]
    if host in _GOOGLE_HOSTS and parts.path == "/url":
        query = parse_qs(parts.query)
        return (query.get("q") or query.get("url") or [""])[0]
    if host == "urldefense.com" and parts.path.startswith("/v3/__"):
        inner = _DEFENSE_V3.match(absolute)
        # a link whose characters URL Defense replaced (``*``) is not carried whole
        return inner[1] if inner and "*" not in inner[1] else ""
    if host == "urldefense.proofpoint.com" and parts.path.startswith("/v2/url"):
        carried = parse_qs(parts.query).get("u", [""])[0]
        return unquote(_DEFENSE_V2_ESCAPE.sub(r"%\1", carried.replace("_", "/")))
    return None


def _clean(raw: object) -> str | None:
    """Trim whitespace and invisible characters; drop placeholders; keep the first link."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().strip(_INVISIBLE).strip().strip('<>"').strip()
    if not text or " ".join(text.lower().split()) in _NOT_LINKS:
        return None
    return _SECOND_LINK.split(text, maxsplit=1)[0]


def _absolutise(text: str) -> str | None:
    """Give the text a two-slash http(s) scheme, or None if it is not a link."""
    text = _CHROME_EXTENSION.sub("", text)
    match = _SCHEME.match(text)
    if match:
        return f"{match.group(1).lower()}://{text[match.end() :]}"
    if text.startswith("//"):
        return "https:" + text
    if text.startswith("/"):
        return ICE_ORIGIN + text
    if _RELATIVE.match(text):
        return f"{ICE_ORIGIN}/{text}"
    if _BARE_HOST.match(text):
        return "https://" + text
    return None


def _normalise(parts: SplitResult) -> str:
    """Rebuild the URL: https for ice.gov, lower-case host, unsafe characters escaped once."""
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    if (parts.hostname or "") in ICE_HOSTS and parts.port in (None, 80, 443):
        scheme, netloc = "https", parts.hostname or netloc
    path = _escape(parts.path, _SAFE_PATH) or "/"
    query = _escape(parts.query, _SAFE_QUERY)
    fragment = _escape(parts.fragment, _SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, fragment))


def _escape(text: str, safe: str) -> str:
    """Percent-encode unsafe characters, keep existing escapes (upper-cased), fix lone '%'."""
    text = _LONE_PERCENT.sub("%25", text)
    text = quote(text, safe=safe, errors="replace")
    return _ESCAPE.sub(lambda m: m.group(0).upper(), text)


def rebase_url(url: str, base_url: str | None) -> str:
    """Point an ice.gov URL at ``base_url`` (a mirror or test server); others unchanged.

    ``rebase_url("https://www.ice.gov/doclib/a.xlsx", "http://127.0.0.1:8123")`` gives
    ``"http://127.0.0.1:8123/doclib/a.xlsx"``. http, https, ``ice.gov`` and
    ``www.ice.gov`` on any port all count as the ICE origin: nothing escapes the mirror.
    """
    if not base_url:
        return url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or host not in ICE_HOSTS:
        return url
    tail = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return base_url.rstrip("/") + tail


def host_of(url: str) -> str | None:
    """The lower-cased host name of an http(s) URL, or None."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.lower()


def is_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """Whether an http(s) URL's host is on the allowlist.

    Entries are host names (any port) or ``host:port`` (that port only); case is ignored.
    """
    host = host_of(url)
    if host is None:
        return False
    allowed = {h.strip().lower() for h in allowed_hosts}
    if host in allowed:
        return True
    port = urlsplit(url.strip()).port
    return port is not None and f"{host}:{port}" in allowed
