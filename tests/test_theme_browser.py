"""The theme on phones, in headless Chromium: the first screen, the compact menu, dark mode,
right-to-left mirroring. Shares the session's built site (read-only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from site_content import published_articles

pytestmark = pytest.mark.browser
PHONES = [(360, 800), (390, 844)]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
THEME_CSS = Path(__file__).resolve().parent.parent / "theme" / "static" / "css"
CARD = re.compile(r"^!!!\s*(emergency|urgent)\b", re.MULTILINE)


def urgent_articles() -> list[tuple[str, str]]:
    """(url, level of the card the summary must show) for articles with an urgent card."""
    found = []
    for source in published_articles():
        levels = CARD.findall(source.path.read_text(encoding="utf-8"))
        if levels:
            found.append((source.url, "emergency" if "emergency" in levels else "urgent"))
    return found


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_first_screen_shows_the_most_urgent_card(served_real_site, new_page, width, height):
    base_url, _ = served_real_site
    articles = urgent_articles()
    assert len(articles) >= 5, "the real content has several articles with urgent cards"
    page = new_page(width=width, height=height)
    for url, level in articles:
        page.goto(f"{base_url}/{url}")
        summary = page.locator(".care-summary")
        assert summary.count() == 1, url
        box = summary.bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= height, f"{url}: summary ends at {box} at {width}px"
        assert "care-summary--" + level in summary.get_attribute("class")
        target = summary.locator("a").get_attribute("href")
        card = page.locator(f".care-card{target}")
        assert card.count() == 1, f"{url}: {target} is not a care card"
        assert f"care-card--{level}" in card.get_attribute("class")
        title = card.locator(".care-card__heading").inner_text()
        assert summary.locator(".care-summary__title").inner_text() in title
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # Following the link brings the whole card heading into view.
    page.locator(".care-summary a").click()
    heading = page.locator(".care-card:target .care-card__heading").bounding_box()
    assert heading["y"] >= 0 and heading["y"] + heading["height"] <= height
    assert page.external_requests == []


def test_phone_header_is_one_row_and_the_menu_needs_no_javascript(served_real_site, new_page):
    base_url, _ = served_real_site
    page = new_page(width=360, javascript=False)
    page.goto(f"{base_url}/{published_articles()[0].url}")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, "brand, search and menu share one row"
    assert page.locator(".site-nav").is_hidden()
    links = page.locator(".site-menu__list a")
    assert links.count() >= 6
    assert links.first.is_hidden()
    # Keyboard: skip link, brand, search, then the menu button; Enter opens it.
    for _ in range(4):
        page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className,"
        " getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused == ["site-menu__button", "solid"]
    page.keyboard.press("Enter")
    assert links.first.is_visible()
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.locator('.site-menu__list a[aria-current="page"]').count() == 1
    assert page.external_requests == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_menu_is_accessible(served_real_site, new_page, scheme):
    base_url, _ = served_real_site
    page = new_page(width=360, color_scheme=scheme)
    page.goto(base_url + "/")
    page.locator(".site-menu__button").click()
    assert page.locator(".site-menu__list a").first.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"menu-open-360-{scheme}.png"))
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_wide_screen_shows_the_navigation_bar_and_search_box(served_real_site, new_page):
    base_url, _ = served_real_site
    page = new_page(width=1280)
    page.goto(base_url + "/")
    assert page.locator(".site-nav").is_visible()
    assert page.locator(".site-menu").is_hidden()
    assert page.locator(".site-search-link").is_hidden()
    assert page.locator("#site-search-q").is_visible()
    # One row of navigation, not a wrap.
    tops = page.locator(".site-nav__list a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops


def pages() -> dict[str, str]:
    urgent = urgent_articles()[0][0]
    return {"home": "/", "article": f"/{urgent}", "search": "/search/", "404": "/404.html"}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", ["home", "article", "search", "404"])
def test_dark_scheme_is_accessible(served_real_site, new_page, name, width):
    base_url, _ = served_real_site
    page = new_page(width=width, color_scheme="dark")
    page.goto(base_url + pages()[name], wait_until="networkidle")
    assert page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", "the dark scheme has a dark page"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-dark.png"), full_page=True)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.external_requests == []


def test_care_cards_look_the_same_in_both_schemes(served_real_site, new_page):
    """Emergency red and the coloured heading bands are what readers recognise: keep them."""
    base_url, _ = served_real_site
    looks = {}
    for scheme in ("light", "dark"):
        page = new_page(width=360, color_scheme=scheme)
        page.goto(f"{base_url}/{urgent_articles()[0][0]}")
        looks[scheme] = page.evaluate(
            """() => [...document.querySelectorAll('.care-card, .care-summary')].map(e => {
                 const h = e.querySelector('.care-card__heading');
                 const s = getComputedStyle(e);
                 // Urgent and non-urgent bodies follow the page; emergency is red in both.
                 const red = e.className.includes('emergency') ? s.backgroundColor : '';
                 const band = h ? getComputedStyle(h).backgroundColor : '';
                 return [e.className, red, s.borderColor, band];
               }).filter(l => !l[0].includes('non-urgent'))"""
        )
    assert looks["light"] == looks["dark"]
    assert any("emergency" in look[0] and look[1] == "rgb(143, 29, 33)" for look in looks["dark"])


def test_right_to_left_pages_mirror(served_real_site, new_page):
    base_url, _ = served_real_site
    page = new_page(width=360)
    page.goto(f"{base_url}/{urgent_articles()[0][0]}")
    ltr = page.locator(".site-brand").bounding_box()
    page.evaluate("() => document.documentElement.setAttribute('dir', 'rtl')")
    rtl = page.locator(".site-brand").bounding_box()
    assert ltr["x"] < 100 and rtl["x"] + rtl["width"] > 260, (ltr, rtl)
    menu = page.locator(".site-menu__button").bounding_box()
    assert menu["x"] < 100, "the menu button moves to the left edge"
    stripe = page.evaluate(
        "() => getComputedStyle(document.querySelector('.care-summary')).borderRightWidth"
    )
    assert stripe == "8px"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


PHYSICAL = re.compile(
    r"(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|text-align:\s*(?:left|right)|float:\s*(?:left|right)"
)


def test_theme_css_uses_logical_properties_only():
    for path in sorted(THEME_CSS.glob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        found = [m.group(0) for m in PHYSICAL.finditer(text)]
        assert found == [], f"{path.name}: physical properties {found}"


# Each element's box clipped to the first screen (what a reader sees before scrolling).
BOXES = """(height) => [...document.querySelectorAll('body *')].map(e => {
    const r = e.getBoundingClientRect();
    const seen = Math.min(r.bottom, height) - r.top;
    return [e.tagName + '.' + e.className, r.x, r.y, r.width, seen].map(
        v => typeof v === 'number' ? Math.round(v) : v);
  }).filter(b => b[3] > 0 && b[2] < height)"""


@pytest.mark.parametrize("width", [360, 1280])
def test_inlined_css_lays_out_the_whole_first_screen(served_real_site, new_page, width):
    """main.css arrives after the first paint: it must not move anything on the first screen."""
    base_url, _ = served_real_site
    paths = [*pages().values(), "/first-aid/", "/tags/", "/archives/"]
    full, critical_only = (
        new_page(width=width, javascript=False),
        new_page(width=width, javascript=False),
    )
    critical_only.route("**/theme/css/main.*", lambda route: route.abort())
    for path in paths:
        full.goto(base_url + path, wait_until="networkidle")
        critical_only.goto(base_url + path, wait_until="networkidle")
        before, after = (p.evaluate(BOXES, 800) for p in (critical_only, full))
        assert before == after, f"{path} at {width}px: main.css moves the first screen"


@pytest.mark.parametrize(("width", "scale", "most"), [(360, 1, 480), (360, 2, 800), (1280, 1, 800)])
def test_header_image_is_a_phone_sized_modern_copy(served_real_site, new_page, width, scale, most):
    base_url, _ = served_real_site
    with_image = next(s for s in published_articles() if "\nimage:" in s.path.read_text("utf-8"))
    page = new_page(width=width, device_scale_factor=scale)
    page.goto(f"{base_url}/{with_image.url}", wait_until="networkidle")
    img = page.locator(".article__figure img")
    chosen = img.evaluate("i => [i.currentSrc, i.naturalWidth, i.width, i.height]")
    assert chosen[0].endswith(".webp"), chosen
    assert chosen[1] <= most, f"{chosen[1]}px wide copy for a {width}px screen at {scale}x"
    ratio = int(img.get_attribute("width")) / int(img.get_attribute("height"))
    assert abs(chosen[2] / chosen[3] - ratio) < 0.02


@pytest.mark.parametrize("width", [360, 1280])
def test_article_page_transfers_at_most_60_kb_besides_its_pictures(
    served_real_site, new_page, width
):
    """Bytes on the wire for the article a reader lands on (the test server does not compress:
    this is an upper bound; nginx's gzip roughly halves it)."""
    base_url, _ = served_real_site
    page = new_page(width=width)
    sizes: dict[str, int] = {}

    def finished(request) -> None:
        size = request.sizes()
        sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]

    page.on("requestfinished", finished)
    with_image = next(s for s in published_articles() if "\nimage:" in s.path.read_text("utf-8"))
    page.goto(f"{base_url}/{with_image.url}", wait_until="networkidle")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    pictures = {u: s for u, s in sizes.items() if "/images/" in u}
    others = {u: s for u, s in sizes.items() if u not in pictures}
    assert pictures, "the article's picture was loaded"
    assert sum(others.values()) <= 60_000, sorted(others.items(), key=lambda i: -i[1])
    assert page.external_requests == []
