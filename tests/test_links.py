"""parsers.urls: repairing the link forms ICE publishes, rebasing, the allowlist."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from parsers.urls import host_of, is_allowed, rebase_url, repair_url
from scraper.policy import DEFAULT_ALLOWED_HOSTS

DOC = "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies05162025am.xlsx"
MOA = "https://www.ice.gov/doclib/287gMOA/287gWSO_LakeCoFl2019-10-15.pdf"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (DOC, DOC),
        (f"  {DOC}\n", DOC),
        (DOC.replace("https://", "http://"), DOC),
        (DOC.replace("https://", "https:/"), DOC),
        (DOC.replace("https://", "HTTPS://"), DOC),
        (DOC.replace("https://", ""), DOC),
        (DOC.replace("https://www.ice.gov", ""), DOC),
        ("doclib/287gMOA/287gWSO_LakeCoFl2019-10-15.pdf", MOA),
        ("//www.ice.gov/doclib/287gMOA/287gWSO_LakeCoFl2019-10-15.pdf", MOA),
        (f"chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/{MOA}", MOA),
        (
            "chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/"
            + MOA.replace("https://", "https:/"),
            MOA,
        ),
        ("\u200bhttps://www.ice.gov/doclib/a.pdf\ufeff", "https://www.ice.gov/doclib/a.pdf"),
        (
            "https://www.ice.gov/doclib/287gMOA/a b.pdf",
            "https://www.ice.gov/doclib/287gMOA/a%20b.pdf",
        ),
        (
            "https://www.ice.gov/doclib/287gMOA/a%20b.pdf",
            "https://www.ice.gov/doclib/287gMOA/a%20b.pdf",
        ),
        (
            "https://www.ice.gov/doclib/287gJEM_%20etowahCoAL.pdf",
            "https://www.ice.gov/doclib/287gJEM_%20etowahCoAL.pdf",
        ),
        ("https://www.ice.gov/doclib/a%2fb.pdf", "https://www.ice.gov/doclib/a%2Fb.pdf"),
        ("https://www.ice.gov/doclib/100%.pdf", "https://www.ice.gov/doclib/100%25.pdf"),
        (
            "https://www.ice.gov/doclib/Sheriff’s.pdf",
            "https://www.ice.gov/doclib/Sheriff%E2%80%99s.pdf",
        ),
        ("https://www.ice.gov:443/doclib/a.pdf", "https://www.ice.gov/doclib/a.pdf"),
        ("http://ice.gov/doclib/a.pdf", "https://ice.gov/doclib/a.pdf"),
        ("https://www.ice.gov", "https://www.ice.gov/"),
        ("http://127.0.0.1:8123/doclib/a.pdf", "http://127.0.0.1:8123/doclib/a.pdf"),
        ("http://example.org/a.pdf", "http://example.org/a.pdf"),
        (f"{MOA} {DOC}", MOA),
        (f"<{MOA}>", MOA),
    ],
)
def test_repair_known_forms(raw: str, expected: str) -> None:
    assert repair_url(raw) == expected


def test_repair_unwraps_safelinks() -> None:
    wrapped = (
        "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib"
        "%2F287gMOA%2F287gWSO_LakeCoFl2019-10-15.pdf&data=05%7C02%7C%7Cabc%7C0&sdata=xyz%3D"
        "&reserved=0"
    )
    assert repair_url(wrapped) == MOA
    nam = wrapped.replace("gcc02", "nam12").replace("https%3A%2F%2F", "http%3A%2F%2F")
    assert repair_url(nam) == MOA


@pytest.mark.parametrize(
    "wrapped",
    [
        "https://urldefense.com/v3/__https://www.ice.gov/doclib/287gMOA/287gWSO_LakeCoFl2019"
        "-10-15.pdf__;!!BClRuOV5cvtbuNI!abcdef$",
        "https://urldefense.proofpoint.com/v2/url?u=https-3A__www.ice.gov_doclib_287gMOA_287g"
        "WSO-5FLakeCoFl2019-2D10-2D15.pdf&d=DwMFAg&c=abc&r=def&m=ghi&s=jkl&e=",
        "https://www.google.com/url?q=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F287gWSO_"
        "LakeCoFl2019-10-15.pdf&sa=D&source=editors&ust=1693000000000000&usg=AOvVaw1",
    ],
)
def test_repair_unwraps_the_redirectors_of_mail_and_documents(wrapped: str) -> None:
    """A link copied from an e-mail or a document wrapped by Proofpoint URL Defense (v3
    or v2) or by Google's redirect leads to the link it wraps, as a SafeLinks one does
    (before: each read as another document, one ``agreement.changed`` per link)."""
    assert repair_url(wrapped) == MOA


def test_a_redirector_carrying_no_whole_link_is_no_link() -> None:
    assert repair_url("https://urldefense.com/v3/__https://www.ice.gov/a*b.pdf__;Kg!!x$") is None
    assert repair_url("https://www.google.com/url?sa=D") is None
    assert (
        repair_url("https://www.google.com/search?q=ice") == "https://www.google.com/search?q=ice"
    )


def test_repair_unwraps_safelinks_with_spaces_in_target() -> None:
    wrapped = (
        "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov"
        "%2Fdoclib%2F287gMOA%2Fa%2520b.pdf&data=1"
    )
    assert repair_url(wrapped) == "https://www.ice.gov/doclib/287gMOA/a%20b.pdf"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "link pending",
        "Link  Pending ",
        "link",
        "link | addendum",
        "#NA",
        "N/A",
        "pending",
        "hello world",
        "mailto:someone@ice.dhs.gov",
        "javascript:void(0)",
        "ftp://www.ice.gov/a.pdf",
        "https://",
        "https://user:pw@www.ice.gov/a.pdf",
        "https://gcc02.safelinks.protection.outlook.com/?data=only",
        "https://[::1/a",
    ],
)
def test_repair_rejects_non_links(raw: str) -> None:
    assert repair_url(raw) is None


def _wrap(url: str, times: int) -> str:
    for _ in range(times):
        url = f"https://gcc02.safelinks.protection.outlook.com/?url={quote(url, safe='')}&data=1"
    return url


def test_repair_unwraps_nested_safelinks_up_to_a_limit() -> None:
    assert repair_url(_wrap(MOA, 2)) == MOA
    assert repair_url(_wrap(MOA, 3)) == MOA
    assert repair_url(_wrap(MOA, 4)) is None
    assert repair_url(_wrap(MOA, 6)) is None


@given(st.text())
@example("https:/www.ice.gov/a b%20c%zz?x=1 2#frag ment")
@example("chrome-extension://x/https:/www.ice.gov/doclib/a b.pdf")
@example("https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fice.gov%2Fa%2520")
@example("www.ice.gov/'")
@settings(max_examples=400, deadline=None)
def test_repair_is_total_and_idempotent(raw: str) -> None:
    once = repair_url(raw)
    if once is not None:
        assert repair_url(once) == once
        assert host_of(once) is not None


url_chars = st.sampled_from(list("abcXYZ019 /%?#&=:._-~'\"<>\\\t\n\u00e9\u2019") + ["%20", "%2F"])


@given(
    prefix=st.sampled_from(
        [
            "",
            "http://",
            "https://",
            "https:/",
            "HTTP://",
            "chrome-extension://abc/https:/",
            " ",
            "/",
        ]
    ),
    host=st.sampled_from(["www.ice.gov", "ice.gov", "WWW.ICE.GOV", "web.archive.org"]),
    path=st.lists(url_chars, max_size=30).map("".join),
)
@settings(max_examples=400, deadline=None)
def test_repair_idempotent_on_url_like_text(prefix: str, host: str, path: str) -> None:
    raw = f"{prefix}{host}/{path}" if prefix != "/" else f"/{path}"
    once = repair_url(raw)
    if once is not None:
        assert repair_url(once) == once
        assert " " not in once


@pytest.mark.parametrize(
    "url",
    [
        "https://www.ice.gov/doclib/a.pdf",
        "http://www.ice.gov/doclib/a.pdf",
        "https://ice.gov/doclib/a.pdf",
        "https://WWW.ICE.GOV/doclib/a.pdf",
        "https://www.ice.gov:443/doclib/a.pdf",
    ],
)
def test_rebase_points_ice_urls_at_the_mirror(url: str) -> None:
    assert rebase_url(url, "http://127.0.0.1:8123/") == "http://127.0.0.1:8123/doclib/a.pdf"


def test_rebase_keeps_query_and_leaves_other_hosts() -> None:
    assert rebase_url("https://www.ice.gov/x?a=1#f", "http://m") == "http://m/x?a=1#f"
    assert rebase_url("https://www.ice.gov", "http://m") == "http://m/"
    wayback = "https://web.archive.org/web/2025id_/https://www.ice.gov/x"
    assert rebase_url(wayback, "http://m") == wayback
    assert rebase_url("https://www.ice.gov.evil.com/x", "http://m") == (
        "https://www.ice.gov.evil.com/x"
    )
    assert rebase_url("https://www.ice.gov/x", None) == "https://www.ice.gov/x"
    assert rebase_url("https://www.ice.gov:8443/x", "http://m") == "http://m/x"  # any port
    assert rebase_url("http://ice.gov:8080/x", "http://m") == "http://m/x"


def test_is_allowed() -> None:
    assert is_allowed("https://www.ice.gov/a", DEFAULT_ALLOWED_HOSTS)
    assert is_allowed("https://WWW.ICE.GOV/a", DEFAULT_ALLOWED_HOSTS)
    assert is_allowed("http://ice.gov:80/a", DEFAULT_ALLOWED_HOSTS)
    assert is_allowed("https://web.archive.org/web/x", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("https://www.ice.gov.evil.com/a", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("https://evil.com/www.ice.gov", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("https://evil.com@www.ice.gov.x/", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("ftp://www.ice.gov/a", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("not a url", DEFAULT_ALLOWED_HOSTS)
    assert not is_allowed("https://www.ice.gov:99999/a", DEFAULT_ALLOWED_HOSTS)
    assert is_allowed("http://127.0.0.1:8123/a", ["127.0.0.1:8123"])
    assert not is_allowed("http://127.0.0.1:9999/a", ["127.0.0.1:8123"])


@given(
    path=st.lists(url_chars, max_size=20).map("".join),
    host=st.sampled_from(["www.ice.gov", "ice.gov", "example.org", "web.archive.org"]),
    port=st.integers(min_value=1024, max_value=65535),
)
@settings(max_examples=300, deadline=None)
def test_rebase_then_allowlist(path: str, host: str, port: int) -> None:
    url = repair_url(f"https://{host}/{path}")
    if url is None:
        return
    base = f"http://127.0.0.1:{port}"
    rebased = rebase_url(url, base)
    if host in ("www.ice.gov", "ice.gov"):
        assert rebased.startswith(base + "/")
        assert is_allowed(rebased, ["127.0.0.1"])
        assert is_allowed(rebased, [f"127.0.0.1:{port}"])
        assert not is_allowed(rebased, DEFAULT_ALLOWED_HOSTS)
        assert repair_url(rebased) == rebased
    else:
        assert rebased == url
        assert is_allowed(rebased, DEFAULT_ALLOWED_HOSTS) == (host == "web.archive.org")
    assert rebase_url(rebased, base) == rebased


@given(st.text(), st.text())
@settings(max_examples=200, deadline=None)
def test_url_helpers_never_raise(url: str, base: str) -> None:
    rebase_url(url, base or None)
    is_allowed(url, DEFAULT_ALLOWED_HOSTS)
    host_of(url)
