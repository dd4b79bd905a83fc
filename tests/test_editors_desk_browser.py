"""editors_desk in headless Chromium: 360 px layout, axe-core, same-origin only, sorting."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_served, format_violations, run_axe
from test_editors_desk_build import FIXTURE, SETTINGS

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def desk_url(tmp_path_factory, site_server) -> str:
    """The fixture site built with SITEURL = the test server's address."""
    output = tmp_path_factory.mktemp("desk-browser") / "output"
    return build_served(site_server, output, content_path=FIXTURE, settings=SETTINGS) + "/_desk/"


def overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(("name", "path"), [("index", ""), ("article", "long-title/")])
@pytest.mark.parametrize("width", [360, 1280])
def test_desk_is_accessible_same_origin_and_fits(desk_url, new_page, name, path, width):
    page = new_page(width=width, height=800)
    response = page.goto(desk_url + path, wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"desk-{name}-{width}.png"), full_page=True)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.external_requests == []
    assert overflow(page) <= 0, f"horizontal scroll of {overflow(page)}px at {width}px"
    images = page.evaluate("() => [...new Set([...document.images].map(i => i.src))]")
    assert images, "the desk shows the real card images"
    for src in images:
        assert page.request.get(src).status == 200, src


def test_table_sorts_with_buttons_and_aria_sort(desk_url, new_page):
    page = new_page(width=360)
    page.goto(desk_url, wait_until="networkidle")
    first = page.locator("tbody tr").first.get_attribute("data-slug")
    assert first == "overdue"
    page.get_by_role("button", name="Title").click()
    header = page.locator("th", has=page.get_by_role("button", name="Title"))
    assert header.get_attribute("aria-sort") == "ascending"
    titles = page.locator("tbody .cell-title a").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    page.get_by_role("button", name="Title").click()
    assert header.get_attribute("aria-sort") == "descending"
    page.screenshot(path=str(SCREENSHOTS / "desk-index-sorted-360.png"), full_page=True)


def test_table_reads_without_javascript(desk_url, new_page):
    page = new_page(width=360, javascript=False)
    page.goto(desk_url)
    assert page.locator("th button").count() == 0
    assert page.locator("tbody tr").first.get_attribute("data-slug") == "overdue"
    assert page.external_requests == []
