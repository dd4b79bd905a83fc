"""share_snippets: a tiny-site build, and the share links in a real browser."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import format_violations, run_axe
from kernel.settings import SettingsError
from playwright.sync_api import expect
from share_snippets.counting import (
    grapheme_count,
    mastodon_length,
    utf8_length,
    utf16_length,
    x_config,
    x_length,
)
from twitter_text import parse_tweet

CONTENT = Path(__file__).parent / "fixtures" / "share_snippets" / "content"
SITEURL = "https://www.sharewell.org.uk"
SETTINGS = {"PLUGINS": ["share_snippets"], "SITEURL": SITEURL, "FEED_DOMAIN": SITEURL}
HARD = "first-aid/hard-title"
HARD_TITLE = '"Quotes" & <script>alert(1)</script> #1 100% 🔥 الإسعافات'
LINK_NETWORKS = ["x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky", "threads",
                 "reddit", "email"]  # fmt: skip


def private(output: Path) -> Path:
    """The build's private folder (share kits and exports are never in the site)."""
    return output.with_name(f"{output.name}-private")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def site(build_site) -> Path:
    return build_site(content_path=CONTENT, settings=SETTINGS)


def test_article_page_has_plain_share_links(site):
    page = soup(site / HARD / "index.html")
    section = page.find("section", class_="share")
    assert section is not None
    links = {
        a["data-share-network"]: a
        for a in section.find_all("a", attrs={"data-share-network": True})
    }
    assert list(links) == LINK_NETWORKS
    for key, a in links.items():
        assert a["rel"] == ["noopener", "noreferrer"]
        assert not a.has_attr("target")
        name = " ".join(a.get_text().split())
        assert name.startswith(("Share on ", "Share by ")), name
        assert a.find(class_="visually-hidden") is not None, key
        parts = urlsplit(a["href"])
        assert parts.scheme in {"https", "mailto"}
        decoded = parse_qs(parts.query, strict_parsing=True)
        assert all(len(v) == 1 for v in decoded.values())
    # Nothing in the section loads from another host.
    assert not section.find_all(["img", "iframe", "script", "link", "object"])
    scripts = [s["src"] for s in page.find_all("script", src=True)]
    assert all(src.startswith(SITEURL) for src in scripts)
    x = parse_qs(urlsplit(links["x"]["href"]).query)
    assert x["text"][0].startswith(HARD_TITLE)
    assert (
        x["url"][0] == f"{SITEURL}/{HARD}/?utm_source=x&utm_medium=social&utm_campaign=hard-title"
    )
    assert x_length(f"{x['text'][0]}\n\n{x['url'][0]}") <= 280
    mastodon = section.find("a", attrs={"data-share-mastodon": True})
    assert mastodon["href"] == "#share-mastodon"
    assert page.find(id="share-mastodon").find("textarea").get_text().endswith("hard-title")
    for button in section.find_all("button", attrs={"data-share-copy": True}):
        assert button.has_attr("hidden")
    assert section.find("button", attrs={"data-share-native": True}).has_attr("hidden")


def test_canonical_never_carries_campaign_parameters(site):
    page = soup(site / HARD / "index.html")
    assert page.find("link", rel="canonical")["href"] == f"{SITEURL}/{HARD}/"
    og_url = page.find("meta", property="og:url")
    assert og_url is None or "utm_" not in og_url["content"]


def valid_as_written(network: str, text: str) -> bool:
    """Check a text with the reference count, assuming no link shortening."""
    if network == "x":
        return parse_tweet(text, x_config()).valid
    if network == "bluesky":
        return grapheme_count(text) <= 300 and utf8_length(text) <= 3000
    if network == "mastodon":
        return mastodon_length(text) <= 500
    limits = {"threads": 500, "linkedin": 3000, "facebook": 63206, "telegram": 4096}
    return utf16_length(text) <= limits.get(network, 65536)


def test_every_exported_text_is_valid_as_written(site):
    data = json.loads((private(site) / "share/snippets.json").read_text(encoding="utf-8"))
    for article in data["articles"]:
        for key, net in article["networks"].items():
            assert valid_as_written(key, net["text"]), (article["slug"], key)
        bluesky = article["networks"]["bluesky"]
        encoded = bluesky["text"].encode("utf-8")
        links = [f for f in bluesky["facets"] if f["features"][0]["$type"].endswith("#link")]
        assert links, "the article URL is a link facet"
        for facet in bluesky["facets"]:
            span = encoded[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
            feature = facet["features"][0]
            assert span == feature.get("uri", "#" + feature.get("tag", "")), span
    with (private(site) / "share/snippets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(valid_as_written(r["network"], r["text"]) for r in rows)
    for path in (private(site) / "share").glob("schedule-*.csv"):
        network = path.stem.removeprefix("schedule-")
        with path.open(encoding="utf-8", newline="") as fh:
            texts = [r["message_text"] for r in csv.DictReader(fh)]
        assert texts and all(valid_as_written(network, t) for t in texts), network


def test_opted_out_article_has_no_share_section(site):
    assert soup(site / "living-well/not-shared/index.html").find(class_="share") is None


def test_exports_and_share_kit(site):
    data = json.loads((private(site) / "share/snippets.json").read_text(encoding="utf-8"))
    by_slug = {a["slug"]: a for a in data["articles"]}
    assert set(by_slug) == {"hard-title", "no-summary", "override"}
    assert by_slug["no-summary"]["description"] == (
        "Put the person on their side if they are breathing but unconscious."
    )
    assert by_slug["no-summary"]["networks"]["x"]["text"].count("#") == 2  # CPR, SaveLives
    assert by_slug["override"]["networks"]["x"]["text"].startswith("Sleep tips, short version")
    assert by_slug["override"]["networks"]["bluesky"]["text"].startswith("Sleep tips from our")
    hard = by_slug["hard-title"]
    # The share image is the card the page declares (og_cards) or the article's own image.
    og_image = soup(site / HARD / "index.html").find("meta", property="og:image")
    expected_image = og_image["content"] if og_image else f"{SITEURL}/images/card.png"
    assert hard["image_url"] == expected_image
    for net in hard["networks"].values():
        assert net["limit"] is None or net["length"] <= net["limit"]
        assert net["url"].startswith(f"{SITEURL}/{HARD}/?utm_source=")
    assert (private(site) / "share/snippets.csv").exists()
    assert (
        (private(site) / "share/schedule-x.csv")
        .read_text(encoding="utf-8")
        .startswith("date,time_24hr,message_text")
    )
    kit = soup(private(site) / f"share-kit/{HARD}/index.html")
    assert kit.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert kit.find("img", class_="share-kit__image")["src"] == expected_image
    areas = {t["id"]: t.get_text() for t in kit.find_all("textarea")}
    assert areas["kit-text-x"] == hard["networks"]["x"]["text"]
    assert "kit-text-copy_link" not in areas
    nav = " ".join(str(n) for n in soup(site / "index.html").find_all("nav"))
    assert "share-kit" not in nav


def test_unknown_network_stops_the_build(build_site):
    settings = {**SETTINGS, "SHARE_SNIPPETS_NETWORKS": ["x", "friendster"]}
    with pytest.raises(SettingsError, match="friendster") as caught:
        build_site(content_path=CONTENT, settings=settings)
    assert caught.value.key == "SHARE_SNIPPETS_NETWORKS"
    assert "unknown network 'friendster'" in caught.value.why


def test_networks_setting_orders_and_limits_links(build_site):
    settings = {
        **SETTINGS,
        "SHARE_SNIPPETS_NETWORKS": ["email", "whatsapp"],
        "SHARE_SNIPPETS_TARGET": "_blank",
    }
    out = build_site(content_path=CONTENT, settings=settings)
    links = soup(out / HARD / "index.html").select(".share a[data-share-network]")
    assert [a["data-share-network"] for a in links] == ["email", "whatsapp"]
    assert all(a["target"] == "_blank" for a in links)


# ---- browser ---------------------------------------------------------------------------
@pytest.fixture
def served(build_site, site_server, tmp_path) -> str:
    out = tmp_path / "served"
    out.mkdir()
    base = site_server(out)
    # SITEURL is the served origin so copied and shared URLs work in the test browser.
    build_site(content_path=CONTENT, settings={**SETTINGS, "SITEURL": base}, output=out)
    return base


@pytest.mark.browser
def test_without_javascript_every_link_is_a_working_href(served, new_page):
    page = new_page(javascript=False)
    page.goto(f"{served}/{HARD}/")
    hrefs = page.eval_on_selector_all(".share a", "els => els.map(e => e.href)")
    assert len(hrefs) == len(LINK_NETWORKS) + 1
    assert all(
        h.startswith(("https://", "mailto:", f"{served}/{HARD}/#share-mastodon")) for h in hrefs
    )
    assert page.locator("[data-share-copy]").is_hidden()
    assert page.locator("[data-share-native]").is_hidden()
    assert page.locator("#share-mastodon").is_hidden()
    page.get_by_role("link", name="Share on Mastodon").click()
    assert page.locator("#share-mastodon").is_visible()  # :target shows what to do
    assert "open your Mastodon server" in page.locator("#share-mastodon").inner_text()
    for box in page.eval_on_selector_all(
        ".share__list .share__link:not([hidden])",
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height])",
    ):
        assert box[0] >= 24 and box[1] >= 24
    assert page.external_requests == []


@pytest.mark.browser
def test_with_javascript_copy_link_and_mastodon(served, new_page):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{served}/{HARD}/")
    page.wait_for_load_state("networkidle")
    assert page.external_requests == []  # clicking nothing requests nothing elsewhere

    copy = page.get_by_role("button", name="Copy link")
    assert copy.is_visible()
    copy.click()
    # Not wait_for_function: when it has to poll, Playwright evaluates a string, which the
    # site's CSP (no 'unsafe-eval') refuses; locator assertions run outside the page.
    expect(page.locator("[data-share-status]")).not_to_have_text("")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied == f"{served}/{HARD}/?utm_source=copy_link&utm_medium=social&utm_campaign=hard-title"
    )
    has_share = page.evaluate("typeof navigator.share === 'function'")
    assert page.locator("[data-share-native]").is_visible() == has_share

    page.get_by_role("link", name="Share on Mastodon").click()
    server = page.get_by_label("Your Mastodon server")
    assert server.is_visible()
    server.fill("not a server!")
    page.get_by_role("button", name="Go to my server").click()
    assert "mastodon.social" in page.locator("[data-share-mastodon-error]").inner_text()
    assert page.external_requests == []

    server.fill("@reader@Mastodon.Example/")
    page.get_by_role("button", name="Go to my server").click()
    page.wait_for_function("() => true")
    page.wait_for_timeout(300)
    assert len(page.external_requests) == 1
    parts = urlsplit(page.external_requests[0])
    assert (parts.scheme, parts.hostname, parts.path) == ("https", "mastodon.example", "/share")
    text = parse_qs(parts.query)["text"][0]
    assert text.startswith(HARD_TITLE)
    assert text.endswith(
        f"{served}/{HARD}/?utm_source=mastodon&utm_medium=social&utm_campaign=hard-title"
    )


@pytest.mark.browser
def test_mastodon_server_is_remembered_and_axe_passes(served, new_page):
    page = new_page()
    page.goto(f"{served}/{HARD}/")
    page.evaluate("localStorage.setItem('sharewell.mastodonServer', 'fosstodon.org')")
    page.reload()
    page.get_by_role("link", name="Share on Mastodon").click()
    assert page.get_by_label("Your Mastodon server").input_value() == "fosstodon.org"
    violations = [
        v for v in run_axe(page) if any("share" in " ".join(n["target"]) for n in v["nodes"])
    ]
    assert violations == [], format_violations(violations)


def test_second_run_in_the_same_process_does_not_duplicate(build_site, tmp_path):
    out = tmp_path / "twice"
    build_site(content_path=CONTENT, settings=SETTINGS, output=out)
    first = (private(out) / "share/snippets.csv").read_text(encoding="utf-8")
    build_site(content_path=CONTENT, settings=SETTINGS, output=out)  # as autoreload does
    assert (private(out) / "share/snippets.csv").read_text(encoding="utf-8") == first


@pytest.mark.browser
def test_server_name_validation_and_kit_copy(served, new_page, site_server, tmp_path):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    # Kits are in the build's private folder, served on their own (as `invoke serve` does).
    kits = site_server(private(tmp_path / "served"))
    page.goto(f"{kits}/share-kit/{HARD}/")
    cases = {
        "mastodon.social": "mastodon.social",
        " https://Mastodon.Social/@me ": "mastodon.social",
        "@me@fosstodon.org": "fosstodon.org",
        "xn--80ak6aa92e.com": "xn--80ak6aa92e.com",
        "bücher.example": "xn--bcher-kva.example",
        "localhost": None,
        "127.0.0.1": None,
        "evil.com:8080": None,
        "-bad.example": None,
        "javascript:alert(1)": None,
        "": None,
    }
    for typed, expected in cases.items():
        got = page.evaluate("v => window.sharewellShare.parseServer(v)", typed)
        assert got == expected, typed
    page.get_by_role("button", name="Copy X text").click()
    # Not wait_for_function: when it has to poll, Playwright evaluates a string, which the
    # site's CSP (no 'unsafe-eval') refuses; locator assertions run outside the page.
    expect(page.locator("[data-share-status]")).not_to_have_text("")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#kit-text-x").input_value()
    assert page.external_requests == []
