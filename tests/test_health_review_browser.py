"""Browser test: a page with all three care cards and the review block is axe-clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe

FIXTURES = Path(__file__).parent / "fixtures" / "health_review"


@pytest.mark.browser
def test_care_cards_page_is_axe_clean(build_site, site_server, new_page):
    out = build_site(
        content_path=FIXTURES / "good",
        settings={"SHAREWELL_TODAY": "2026-01-01", "SITEURL": "", "RELATIVE_URLS": False},
    )
    base = site_server(out)
    page = new_page(360, 800)
    page.goto(f"{base}/first-aid/fresh/")
    cards = page.locator(".care-card")
    assert cards.count() == 3
    # The prefix is in the accessible name but not visible.
    heading = page.get_by_role("heading", name="Immediate action required: Call 999")
    assert heading.count() == 1
    assert page.locator(".care-card .visually-hidden").first.bounding_box()["width"] <= 1
    for index in range(3):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
    assert page.locator(".health-review").is_visible()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.external_requests == []
