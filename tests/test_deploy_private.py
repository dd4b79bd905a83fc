"""Nothing private is published: drafts, their cards, share kits and the social media exports
stay out of a publishconf.py build; they are in the private folder next to it (share kits and
exports) and in the development preview (drafts, with noindex)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import build

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "editors_desk" / "content"
DRAFT_TITLE = "Draft: keeping a first aid kit"
SETTINGS = {
    "PLUGINS": [
        "pelican.plugins.sitemap",
        "content_guard",
        "health_review",
        "share_snippets",
        "og_cards",
        "link_keeper",
    ],
    "HEALTH_REVIEW_TODAY": "2026-03-01",
    "SHAREWELL_TODAY": "2026-03-01",
    "OG_CARDS_WORKERS": 0,
    # long-title.md is longer than any network shows (and content_guard's 90): the desk
    # must show each cut, so this fixture allows it.
    "CONTENT_GUARD_TITLE_MAX": 150,
    "SITEURL": "http://127.0.0.1:8000",
}
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".csv", ".js", ".css", ".map", ".svg"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same content built with the live-site and the development settings."""
    root = tmp_path_factory.mktemp("private")
    content = shutil.copytree(FIXTURE, root / "content")
    live = build(root / "live" / "output", content_path=content, settings=SETTINGS,
                 config="publishconf")  # fmt: skip
    dev = build(root / "dev" / "output", content_path=content, settings=SETTINGS)
    return live, dev


def test_a_publish_build_holds_no_draft_card_kit_or_export(builds):
    live, _ = builds
    files = [p for p in live.rglob("*") if p.is_file()]
    rels = {p.relative_to(live).as_posix() for p in files}
    assert "index.html" in rels
    for private in ("drafts/", "share-kit/", "share/", "_desk/"):
        assert not [r for r in rels if r.startswith(private)], private
    assert not [r for r in rels if r.endswith(".csv")]
    assert not [r for r in rels if r.startswith("og/draft-plan")]
    # The draft's title is nowhere in the public site: not in a page, feed, sitemap or card name.
    for path in files:
        if path.suffix in TEXT_SUFFIXES:
            assert DRAFT_TITLE not in path.read_text(encoding="utf-8", errors="replace"), path


def test_the_social_media_manager_finds_kits_and_exports_in_the_private_folder(builds):
    live, _ = builds
    private = live.with_name("output-private")
    kits = sorted(private.glob("share-kit/*/*/index.html"))
    assert kits, "no share kit pages in the private folder"
    assert 'content="noindex, nofollow"' in kits[0].read_text(encoding="utf-8")
    snippets = json.loads((private / "share" / "snippets.json").read_text(encoding="utf-8"))
    assert snippets["articles"]
    assert list((private / "share").glob("schedule-*.csv"))
    # The manifest tells the publish gate these are never public (no "URL disappeared").
    manifest = json.loads((live / "published-urls.json").read_text(encoding="utf-8"))
    assert {"share-kit/*", "share/*", "drafts/*"} <= set(manifest["unlisted"])
    assert not [u for u in manifest["urls"] if u.startswith(("/share", "/drafts"))]
    # Kits in the private folder are not in the public sitemap either.
    assert "share-kit" not in (live / "sitemap.xml").read_text(encoding="utf-8")


def test_the_development_preview_shows_drafts_with_noindex(builds):
    _, dev = builds
    draft = dev / "drafts" / "first-aid" / "draft-plan" / "index.html"
    html = draft.read_text(encoding="utf-8")
    assert DRAFT_TITLE in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    published = next(p for p in (dev / "first-aid").glob("*/index.html") if "draft" not in str(p))
    assert 'name="robots"' not in published.read_text(encoding="utf-8")
    # Kits are private in development too; the desk links them through /_private/.
    assert not (dev / "share-kit").exists()
    assert list(dev.with_name("output-private").glob("share-kit/*/*/index.html"))


def test_an_atomic_build_moves_its_private_folder_with_it(tmp_path):
    from conftest import ROOT
    from tools.build import run_build

    content = shutil.copytree(FIXTURE, tmp_path / "content")
    (content / "articles" / "first-aid" / "overdue.md").unlink()  # an error: no swap
    output = tmp_path / "site" / "output"
    override = {**SETTINGS, "PATH": str(content), "CACHE_PATH": str(tmp_path / "cache")}
    for _ in range(2):  # the second swap replaces both folders
        result = run_build(
            ROOT / "publishconf.py", output=output, atomic=True, override=override, quiet=True
        )
        assert result.code == 0
    assert sorted(p.name for p in output.parent.iterdir()) == ["output", "output-private"]
    assert (output.parent / "output-private" / "share" / "snippets.json").is_file()
