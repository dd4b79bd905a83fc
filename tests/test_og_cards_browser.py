"""og_cards in Chromium: every og:image resolves on the local server as declared."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "og_cards" / "site"

CHECK_IMAGE = """async () => {
  const meta = (key) => document.querySelector(`meta[property="${key}"]`)?.content;
  const url = meta("og:image");
  const response = await fetch(url);
  const bitmap = await createImageBitmap(await response.blob());
  return {
    url, status: response.status, type: response.headers.get("content-type"),
    width: bitmap.width, height: bitmap.height,
    declared: [meta("og:image:width"), meta("og:image:height"), meta("og:image:type")],
  };
}"""


@pytest.mark.browser
def test_every_og_image_resolves_with_the_declared_size_and_type(
    tmp_path: Path, site_server, new_page
) -> None:
    from conftest import build_served

    output = tmp_path / "output"
    base_url = build_served(
        site_server,
        output,
        content_path=FIXTURE,
        settings={"PLUGINS": ["og_cards"]},
        cache=tmp_path / "cache",
    )
    pages = sorted(p for p in output.rglob("*.html"))
    assert len(pages) >= 10
    page = new_page(1200, 800)
    checked = set()
    for html in pages:
        path = str(html.relative_to(output)).removesuffix("index.html")
        page.goto(f"{base_url}/{path}")
        info = page.evaluate(CHECK_IMAGE)
        assert info["url"].startswith(f"{base_url}/og/"), path
        assert info["status"] == 200, info
        assert info["type"] == info["declared"][2], info
        assert [str(info["width"]), str(info["height"])] == info["declared"][:2], info
        checked.add(info["url"])
    assert len(checked) >= 10
    assert page.external_requests == []
