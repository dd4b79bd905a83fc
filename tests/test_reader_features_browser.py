"""reader_features in headless Chromium: search, keyboard use, axe, no JS, print stylesheet."""

from __future__ import annotations

import re
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
    results = page.locator(".search-result__title a")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert url in hrefs
    assert page.locator("#search-q").input_value() == word, "the query stays in the box"
    assert page.locator(".search-browse").is_hidden(), "results take the sections' place"
    assert "result" in page.locator("[data-search-status]").inner_text()
    # Keyboard only: from the search field, Tab (past the button) reaches the first result.
    page.focus("#search-q")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.search-result')"):
            break
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == hrefs[0]
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + hrefs[0])
    assert page.external_requests == []


def hex_rgb(value: str) -> str:
    value = value.strip().lstrip("#")
    return "rgb({}, {}, {})".format(*(int(value[i : i + 2], 16) for i in (0, 2, 4)))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_look_like_the_site(live, new_page, scheme):
    base_url, _ = live
    page = new_page(width=360, color_scheme=scheme)
    page.goto(f"{base_url}/search/?q=first%20aid", wait_until="networkidle")
    page.locator(".search-result__title a").first.wait_for()
    look = page.evaluate(
        """() => {
          const a = document.querySelector('.search-result__title a');
          const s = getComputedStyle(a);
          return {font: s.fontFamily, body: getComputedStyle(document.body).fontFamily,
                  colour: s.color, underline: s.textDecorationLine,
                  link: getComputedStyle(document.documentElement).getPropertyValue('--link')};
        }"""
    )
    assert look["font"] == look["body"]
    assert look["colour"] == hex_rgb(look["link"]), "titles are links in the site's link colour"
    assert look["underline"] == "underline"
    excerpts = page.locator(".search-result__excerpt").all_inner_texts()
    assert excerpts
    for text in excerpts:
        assert re.match(r"^(\u2026|[A-Z0-9\"'\u201c\u2018(])", text), f"starts mid-word: {text!r}"
        assert "#" not in text and "<" not in text and "&lt;" not in text and "&amp;" not in text
    # Highlights are <mark> elements; nothing else from the index becomes markup.
    tags = page.evaluate(
        "() => [...document.querySelectorAll('.search-result__excerpt *')].map(e => e.tagName)"
    )
    assert tags and set(tags) == {"MARK"}
    status = page.locator("[data-search-status]").inner_text()
    assert re.fullmatch(
        r"\d+ results? for \u201cfirst aid\u201d(, showing the first \d+)?\.", status
    )


def test_typing_updates_results_and_the_address(live, new_page):
    base_url, output = live
    word, url = unique_word(output)
    page = new_page(width=360)
    page.goto(f"{base_url}/search/", wait_until="networkidle")
    assert page.evaluate("() => document.activeElement.id") == "search-q"
    page.keyboard.type(word)
    page.locator(f'.search-result__title a[href="{url}"]').wait_for()
    page.wait_for_function(f"() => location.search === '?q={word}'")
    page.fill("#search-q", "zzzqqxnothing")
    page.wait_for_function(
        "() => document.querySelector('[data-search-status]').textContent.startsWith('No results')"
    )
    assert page.locator(".search-results").is_hidden()
    assert page.locator(".search-browse").is_visible(), "no results: the sections are offered"
    page.fill("#search-q", "")
    page.wait_for_function(
        "() => document.querySelector('[data-search-status]').textContent.startsWith('Results')"
    )
    assert page.external_requests == []


@pytest.mark.parametrize(("width", "scripts"), [(360, True), (1280, True), (360, False)])
def test_search_page_is_accessible_and_fits(live, new_page, width, scripts):
    base_url, output = live
    word, _ = unique_word(output)
    page = new_page(width=width)
    if not scripts:
        # What a reader without JavaScript (or without an index) gets; axe itself needs JS.
        page.route("**/pagefind/**", lambda route: route.abort())
        page.route("**/js/search.*", lambda route: route.abort())
    page.goto(f"{base_url}/search/?q={word}", wait_until="networkidle")
    if scripts:
        page.locator(".search-result__title a").first.wait_for()
    else:
        assert "JavaScript" in page.locator("[data-search-status]").inner_text()
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


def test_results_arriving_move_nothing_on_the_screen(live, new_page):
    """Cumulative layout shift of the search page opened with a query (what the header sends)."""
    base_url, _ = live
    page = new_page(width=412, height=823)
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(l => l.getEntries().forEach("
        "e => { if (!e.hadRecentInput) window.__shift += e.value; }))"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    for path in ("/search/?q=burns", "/search/"):
        page.goto(base_url + path, wait_until="networkidle")
        if "q=" in path:
            page.locator(".search-result__title a").first.wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__shift") < 0.01, path
