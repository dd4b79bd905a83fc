"""Both language versions in headless Chromium: lang and dir, axe-clean at 360 and 1280 px,
mirrored right-to-left layout, the language switcher without JavaScript. Reads the session's
built real site."""

from __future__ import annotations

import pytest
from conftest import format_violations, run_axe

pytestmark = pytest.mark.browser
WIDTHS = (360, 1280)
# Each page and the (lang, dir) its <html> must have.
PAGES = {
    "first-aid/burns-and-scalds/": ("en-GB", "ltr"),
    "cy/first-aid/burns-and-scalds/": ("cy", "ltr"),
    "cy/": ("cy", "ltr"),
    "cy/first-aid/": ("cy", "ltr"),
    "cy/search/": ("cy", "ltr"),
    "cy/404.html": ("cy", "ltr"),
    "cy/about/": ("cy", "ltr"),
    "ur/living-well/recognising-a-stroke-fast/": ("ur", "rtl"),
}


@pytest.mark.parametrize("width", WIDTHS)
def test_language_versions_are_axe_clean_with_lang_and_dir(served_real_site, new_page, width):
    base_url, _ = served_real_site
    page = new_page(width=width, height=900)
    for path, (lang, direction) in PAGES.items():
        page.goto(f"{base_url}/{path}")
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, direction), path
        assert page.evaluate("getComputedStyle(document.body).direction") == direction, path
        violations = run_axe(page)
        assert violations == [], f"{path} at {width}px:\n{format_violations(violations)}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert page.external_requests == []


def test_right_to_left_pages_are_mirrored(served_real_site, new_page):
    base_url, _ = served_real_site
    page = new_page(width=1280, height=900)
    page.goto(f"{base_url}/ur/living-well/recognising-a-stroke-fast/")
    brand = page.locator(".site-brand").bounding_box()
    heading = page.locator("h1").bounding_box()
    assert brand["x"] > 640, "the brand starts on the right"
    assert heading["x"] + heading["width"] > 1000, "the heading is aligned to the right"
    crumbs = page.locator(".breadcrumbs li")
    first, second = crumbs.nth(0).bounding_box(), crumbs.nth(1).bounding_box()
    assert first["x"] > second["x"], "the trail reads from the right"
    separator = page.evaluate(
        "getComputedStyle(document.querySelectorAll('.breadcrumbs li')[1], '::before').content"
    )
    assert separator == '"‹"'
    stripe = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.care-summary'));"
        " return [s.borderRightWidth, s.borderLeftWidth]; })()"
    )
    assert stripe == ["8px", "0px"], "the summary's stripe is on the side reading starts"
    # Mixed-direction writer text is isolated: the Latin "FAST" inside an Urdu title.
    assert page.locator("h1").get_attribute("dir") == "auto"


def test_language_switcher_works_without_javascript(served_real_site, new_page):
    base_url, _ = served_real_site
    page = new_page(width=360, javascript=False)
    page.goto(f"{base_url}/first-aid/burns-and-scalds/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    page.wait_for_url(f"{base_url}/cy/first-aid/burns-and-scalds/")
    assert page.locator("html").get_attribute("lang") == "cy"
    page.get_by_role("navigation", name="Iaith").get_by_role("link", name="English").click()
    page.wait_for_url(f"{base_url}/first-aid/burns-and-scalds/")
    assert page.external_requests == []


def test_welsh_search_finds_welsh_pages_only(served_real_site, new_page):
    """Pagefind keeps one index per <html lang>: the Welsh search page searches Welsh."""
    base_url, output = served_real_site
    if not (output / "pagefind" / "pagefind-entry.json").is_file():
        pytest.skip("this build has no search index")
    page = new_page(width=1280)
    page.goto(f"{base_url}/cy/search/?q=llosg", wait_until="networkidle")
    results = page.locator(".search-result__title a")
    results.first.wait_for()
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("/cy/first-aid/burns-and-scalds/" in h for h in hrefs), hrefs
    assert all(h.startswith("/cy/") for h in hrefs), hrefs
    status = page.locator("[data-search-status]").inner_text()
    assert "canlyniad" in status, status
    assert page.external_requests == []
