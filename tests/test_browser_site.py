"""What only a browser shows: layout at phone width, accessibility, no third-party requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from site_content import published_articles

pytestmark = pytest.mark.browser
WIDTHS = [(360, 800), (1280, 800)]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def live_site(served_real_site) -> str:
    """The real site built with SITEURL = the address the test server listens on."""
    return served_real_site[0]


def pages_to_check() -> dict[str, str]:
    article = published_articles()[0]
    return {
        "home": "/",
        "article": f"/{article.url}",
        "category": f"/{article.path.parent.name}/",
        "404": "/404.html",
    }


@pytest.mark.parametrize(("width", "height"), WIDTHS)
@pytest.mark.parametrize("name", ["home", "article", "category", "404"])
def test_page_is_accessible_private_and_fits(live_site, new_page, name, width, height):
    page = new_page(width=width, height=height)
    response = page.goto(live_site + pages_to_check()[name], wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)

    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.external_requests == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"horizontal scroll of {overflow}px at {width}px"


def test_stylesheet_loads_and_focus_is_visible(live_site, new_page):
    page = new_page(width=360)
    page.goto(live_site + "/", wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {cls: e.className, top: e.getBoundingClientRect().top, outline: s.outlineStyle}; }"
    )
    assert focused["cls"] == "skip-link"
    assert focused["top"] >= 0, "the skip link must come into view when focused"
    assert focused["outline"] != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_pages_read_without_javascript(live_site, new_page):
    page = new_page(width=360, javascript=False)
    page.goto(live_site + pages_to_check()["article"])
    assert page.locator("h1").count() == 1
    assert page.locator(".article__body").inner_text().strip()
    assert page.external_requests == []
