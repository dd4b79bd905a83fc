"""Preview builds (``SHAREWELL_PREVIEW``, what `invoke livereload` runs on a save).

A preview reads the site from Pelican's content cache and writes only the saved files' pages:
the saved page must be byte for byte what a full build writes for it, every other file must be
left as the last full build wrote it, and the full build after the preview must be a cold
build's site again.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build
from kernel import cache, preview
from test_content_cache import CACHED, QUICK, _files, _write_corpus, assert_same_site

EDITED = Path("articles") / "first-aid" / "recovery-position.md"
PAGE = Path("first-aid") / "recovery-position" / "index.html"


def _counts(cache_path: Path) -> dict[str, int]:
    """Share texts fitted and texts scored by the last build into ``cache_path``."""
    share = json.loads((cache_path / "share_snippets" / "last-build.json").read_text("utf-8"))
    scores = json.loads((cache_path / "health_review" / "last-build.json").read_text("utf-8"))
    return {"fitted": share["fitted"], "scored": scores["scored"]}


def _dev_build(tmp: Path, output: str, corpus: Path, **settings: object) -> Path:
    return build(tmp / output, content_path=corpus, settings={**QUICK, **CACHED, **settings},
                 cache=tmp / "cache")  # fmt: skip


def test_a_preview_writes_the_saved_page_as_a_full_build_would_and_nothing_else(
    tmp_path: Path,
) -> None:
    corpus = _write_corpus(tmp_path / "content")
    site = _dev_build(tmp_path, "site", corpus)
    before = _files(site)
    source = corpus / EDITED
    source.write_text(
        source.read_text("utf-8").replace("Title: ", "Title: Edited <preview> ", 1), "utf-8"
    )

    checks = tmp_path / "cache" / cache.CHECKS_FILE
    checked = set(json.loads(checks.read_text("utf-8"))["files"])
    _dev_build(tmp_path, "site", corpus, SHAREWELL_PREVIEW=[str(source)])
    assert cache.last_build(tmp_path / "cache")["read"] == 1  # only the saved file is parsed
    assert _counts(tmp_path / "cache") == {"fitted": 12, "scored": 0}  # its title only
    # The preview keeps every other file's check answers, scores and share texts.
    assert checked < set(json.loads(checks.read_text("utf-8"))["files"])
    after = _files(site)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert PAGE.as_posix() in changed
    assert "Edited &lt;preview&gt;" in after[PAGE.as_posix()].decode("utf-8")
    # Listings, feeds, the sitemap, search, the desk and other articles wait for the full build;
    # the card of the saved page (named by its content) may be new.
    assert [name for name in changed if name != PAGE.as_posix()
            and not name.startswith("og/")] == []  # fmt: skip
    assert sorted(before) == sorted(name for name in after if not name.startswith("og/")
                                    or name in before)  # fmt: skip

    cold = build(tmp_path / "cold", content_path=corpus, settings=QUICK)
    assert after[PAGE.as_posix()] == _files(cold)[PAGE.as_posix()]
    # The full build after the preview (as livereload runs it) is the whole site again.
    full = _dev_build(tmp_path, "full", corpus)
    assert_same_site(full, cold)
    assert _counts(tmp_path / "cache") == {"fitted": 0, "scored": 0}  # nothing done twice


def test_preview_names_the_saved_files_from_the_project_or_the_content_folder(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    settings = {"PATH": str(content), "SHAREWELL_PREVIEW": ["content/articles/a.md"]}
    chosen = preview.selected(settings)
    assert chosen is not None and str(content / "articles" / "a.md") in chosen
    assert preview.wants(settings, content / "articles" / "a.md")
    assert not preview.wants(settings, content / "articles" / "b.md")
    assert preview.selected({"PATH": str(content)}) is None  # a full build
    assert preview.wants({"PATH": str(content)}, content / "anything.md")
    assert preview.is_preview({"SHAREWELL_PREVIEW": "x.md"})
    assert not preview.is_preview({"SHAREWELL_PREVIEW": []})
