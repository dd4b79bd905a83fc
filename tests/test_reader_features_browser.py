"""reader_features in headless Chromium: search, keyboard use, axe, no JS, print stylesheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from site_content import published_articles
from test_reader_features_site import unique_word

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(served_real_site) -> tuple[str, Path]:
    """The real site built with SITEURL = the address the test server listens on."""
    return served_real_site


def overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_header_search_finds_an_article_by_keyboard(live, new_page):
    base_url, output = live
    word, url = unique_word(output)
    page = new_page(width=1280)  # the header box is for wide screens; phones get a link
    page.goto(base_url + "/", wait_until="networkidle")
    page.fill("#site-search-q", word)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(f"{base_url}/search/?q={word}")
    results = page.locator("pagefind-results a.pf-result-link")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert url in hrefs
    assert page.locator("pagefind-input input").input_value() == word
    assert page.locator("form.search-form").is_hidden()
    assert "result" in page.locator("pagefind-summary").inner_text()
    # Keyboard only: from the search field, Tab reaches the first result; Enter opens it.
    page.focus("pagefind-input input")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('pf-result-link')"):
            break
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == hrefs[0]
    # Pagefind draws the focus ring on the result card around the focused link.
    ring = page.evaluate(
        "() => getComputedStyle(document.activeElement.closest('.pf-result-card')).boxShadow"
    )
    assert ring != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + hrefs[0])
    assert page.external_requests == []


@pytest.mark.parametrize(("width", "scripts"), [(360, True), (1280, True), (360, False)])
def test_search_page_is_accessible_and_fits(live, new_page, width, scripts):
    base_url, output = live
    word, _ = unique_word(output)
    page = new_page(width=width)
    if not scripts:
        # What a reader without JavaScript (or without an index) gets; axe itself needs JS.
        page.route("**/pagefind/**", lambda route: route.abort())
        page.route("**/js/search.js", lambda route: route.abort())
    page.goto(f"{base_url}/search/?q={word}", wait_until="networkidle")
    if scripts:
        page.locator("pagefind-results a.pf-result-link").first.wait_for()
    else:
        assert page.locator("[data-search-nojs]").is_visible()
        assert page.locator("form.search-form input[name=q]").is_visible()
        assert page.locator(".section-grid a").count() >= 1
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert overflow(page) <= 0
    assert page.external_requests == []


def test_search_without_javascript_submits_and_offers_sections(live, new_page):
    base_url, _ = live
    page = new_page(width=360, javascript=False)
    page.goto(base_url + "/", wait_until="networkidle")
    assert page.locator("#site-search-q").is_hidden()
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url(f"{base_url}/search/")
    page.fill("#search-q", "burns")
    page.press("#search-q", "Enter")
    page.wait_for_url(f"{base_url}/search/?q=burns")
    page.locator(".section-grid a").first.click()
    assert page.locator("h1").count() == 1
    assert page.external_requests == []


@pytest.mark.parametrize("width", [360, 1280])
def test_article_page_with_reader_features_fits_and_is_accessible(live, new_page, width):
    base_url, _ = live
    page = new_page(width=width)
    page.goto(f"{base_url}/{published_articles()[0].url}", wait_until="networkidle")
    assert page.locator(".related .related__link").count() >= 1
    assert page.locator(".article__reading").is_visible()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert overflow(page) <= 0
    assert page.external_requests == []


def test_print_stylesheet_hides_navigation_and_sharing_and_shows_source_urls(live, new_page):
    base_url, _ = live
    page = new_page(width=1280)
    source = next(s for s in published_articles() if "sources:" in s.path.read_text().lower())
    page.goto(f"{base_url}/{source.url}", wait_until="networkidle")
    assert page.locator(".share").count() == 1, "share_snippets renders the share block"
    assert page.locator(".share").is_visible()
    page.emulate_media(media="print")

    def display(selector: str) -> str:
        return page.eval_on_selector(selector, "e => getComputedStyle(e).display")

    for selector in (".share", ".site-nav", ".site-search", ".related", ".breadcrumbs"):
        assert display(selector) == "none", selector
    assert display(".emergency-notice") != "none"
    assert display(".article__body") != "none"
    after = page.eval_on_selector(
        ".health-review__sources a", "a => getComputedStyle(a, '::after').content"
    )
    href = page.eval_on_selector(".health-review__sources a", "a => a.getAttribute('href')")
    assert href in after
    page.emulate_media(media="screen")
    assert display(".share") != "none"
