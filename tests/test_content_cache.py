"""Pelican's content cache with every plugin: warm builds write exactly what a cold build writes.

Real builds of a small corpus (real articles and pages, one article with a body image) into
temp folders; each warm output is compared byte for byte with a cold build of the same
settings. Only the desk's "built at" minute may differ.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, build
from kernel import cache, problems
from og_cards.og_cards import last_build_stats
from pelican.settings import read_settings
from PIL import Image

ARTICLES = (
    "first-aid/how-to-do-cpr.md",  # care card, reviewer, links to other articles
    "first-aid/recovery-position.md",
    "training/choosing-a-first-aid-course.md",
    "living-well/how-social-media-helps-health-services-reach-people.md",  # links to pages
)
PICTURE_ARTICLE = """Title: Keeping a first aid kit ready
Date: 2026-01-05 09:00
Category: First aid
Tags: first aid, kits
Summary: What to keep in a first aid kit at home, and how to check it.
Author: Sharewell editorial team
content_type: advice
last_reviewed: 2026-01-05
reviewed_by: dr-amira-khan
sources: NHS: First aid kit | https://www.nhs.uk/conditions/first-aid/

Keep your kit somewhere dry and easy to reach, and check it every few months.

![A first aid kit with plasters and bandages]({static}/images/first-aid-kit.png)

Replace anything that is out of date. Keep a list of what you used so you can restock it.
"""
PAGES = len(list((CONTENT / "pages").glob("*.md")))  # the corpus has every page, each language
_DESK_STAMP = re.compile(rb"development build \(\d{4}-\d\d-\d\d \d\d:\d\d\)")
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
QUICK = {"READER_FEATURES_SEARCH": False, "SHAREWELL_TODAY": "2026-12-01"}


def _write_corpus(root: Path) -> Path:
    """A small copy of the real content, plus an article with a picture in its body."""
    for folder in ("pages", "images", "extra"):
        shutil.copytree(CONTENT / folder, root / folder)
    for name in ARTICLES:
        (root / "articles" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CONTENT / "articles" / name, root / "articles" / name)
    (root / "articles" / "first-aid" / "first-aid-kit.md").write_text(PICTURE_ARTICLE, "utf-8")
    return root


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The corpus and its cold build (no content cache), shared by tests that keep it as is."""
    tmp = tmp_path_factory.mktemp("content-cache")
    corpus = _write_corpus(tmp / "content")
    return corpus, _build(tmp, "cold", corpus)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus of this test's own, to edit."""
    return _write_corpus(tmp_path / "content")


def _files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): _DESK_STAMP.sub(b"development build (-)", p.read_bytes())
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def assert_same_site(warm: Path, cold: Path) -> None:
    """Assert two outputs hold the same files with the same bytes."""
    got, want = _files(warm), _files(cold)
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []


def _counts(cache_path: Path) -> dict[str, int]:
    """Cards rendered and readability texts scored by the last build into ``cache_path``."""
    scores = json.loads((cache_path / "health_review" / "last-build.json").read_text("utf-8"))
    return {"rendered": last_build_stats(cache_path)["rendered"], "scored": scores["scored"]}


def _build(tmp: Path, name: str, corpus: Path, **settings: object) -> Path:
    options = {**QUICK, **settings}
    return build(tmp / name, content_path=corpus, settings=options, cache=tmp / f"{name}-cache")


def _warm(tmp: Path, corpus: Path, output: str = "warm", **settings) -> Path:
    """Build with the cache of the last warm build (into its output, like `invoke build`).

    A build into a used folder leaves files an earlier build wrote and this one did not (an
    image's old copies), cache or no cache: builds after an edit go to a new ``output``.
    """
    return build(tmp / output, content_path=corpus, settings={**QUICK, **CACHED, **settings},
                 cache=tmp / "warm-cache")  # fmt: skip


@pytest.mark.parametrize("layer", ["reader", "generator"])
def test_a_warm_build_writes_what_a_cold_build_writes(
    tmp_path: Path, pristine: tuple[Path, Path], layer: str
) -> None:
    corpus, cold = pristine
    _warm(tmp_path, corpus, CONTENT_CACHING_LAYER=layer)
    assert cache.last_build(tmp_path / "warm-cache")["read"] == len(ARTICLES) + 1 + PAGES
    warm = _warm(tmp_path, corpus, CONTENT_CACHING_LAYER=layer)
    assert cache.last_build(tmp_path / "warm-cache")["read"] == 0  # every file from the cache
    assert _counts(tmp_path / "warm-cache") == {"rendered": 0, "scored": 0}
    assert_same_site(warm, cold)
    # The picture's copies are published although Markdown did not run in the warm build.
    assert list((warm / "images" / "sized").glob("first-aid-kit-*"))


def test_a_changed_setting_a_changed_image_and_an_edit_are_seen(
    tmp_path: Path, corpus: Path
) -> None:
    _warm(tmp_path, corpus)
    # A reviewer's name lives in the settings: every page naming them changes.
    reviewers = read_settings(str(ROOT / "pelicanconf.py"))["HEALTH_REVIEW_REVIEWERS"]
    reviewers = {**reviewers, "dr-amira-khan": {**reviewers["dr-amira-khan"]}}
    reviewers["dr-amira-khan"]["name"] = "Dr Amira Khan-Lewis"
    # The nation decides the care cards' wording, which is in the cached HTML.
    changed = {"HEALTH_REVIEW_REVIEWERS": reviewers, "HEALTH_REVIEW_NATION": "wales"}
    warm = _warm(tmp_path, corpus, "warm-settings", **changed)
    assert_same_site(warm, _build(tmp_path, "cold-settings", corpus, **changed))
    assert "Khan-Lewis" in (warm / "first-aid" / "how-to-do-cpr" / "index.html").read_text("utf-8")
    # The body image is replaced by a wider one: the article's picture markup must follow.
    Image.new("RGB", (1600, 900), "#2a7").save(corpus / "images" / "first-aid-kit.png")
    warm = _warm(tmp_path, corpus, "warm-image", **changed)
    assert cache.last_build(tmp_path / "warm-cache")["read"] == 1
    assert_same_site(warm, _build(tmp_path, "cold-image", corpus, **changed))
    # One edited title and paragraph: exactly one file is read again, one card rendered and
    # one text scored (everything else comes from the plugins' caches).
    article = corpus / "articles" / "first-aid" / "recovery-position.md"
    text = article.read_text("utf-8").replace("Title: ", "Title: Edited: ", 1)
    article.write_text(text + "\nThis paragraph was added while editing.\n", "utf-8")
    warm = _warm(tmp_path, corpus, "warm-edit", **changed)
    assert cache.last_build(tmp_path / "warm-cache")["read"] == 1
    assert _counts(tmp_path / "warm-cache") == {"rendered": 1, "scored": 1}
    assert_same_site(warm, _build(tmp_path, "cold-edit", corpus, **changed))


def test_a_damaged_cache_file_never_breaks_the_next_build(
    tmp_path: Path, pristine: tuple[Path, Path]
) -> None:
    corpus, cold = pristine
    _warm(tmp_path, corpus)
    target = tmp_path / "warm-cache" / "ArticlesGenerator-Readers"
    good = target.read_bytes()
    for damage, data in (
        ("truncated", good[: len(good) // 2]),  # what a killed build or a failed pickle leaves
        ("empty", b""),
        ("garbage", gzip.compress(b"\x80\x04not a pickle")),
        ("unsealed", None),  # complete, but written by a build the kernel did not see
    ):
        if data is None:
            (tmp_path / "warm-cache" / "kernel" / "content-cache.json").unlink()
        else:
            target.write_bytes(data)
        warm = _warm(tmp_path, corpus, f"warm-{damage}")
        pages = PAGES if damage == "unsealed" else 0  # the pages' cache file is unsealed too
        assert cache.last_build(tmp_path / "warm-cache")["read"] == len(ARTICLES) + 1 + pages
        assert_same_site(warm, cold)


def test_content_that_cannot_be_pickled_costs_one_cold_build_not_a_crash(
    tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Pelican pickles the settings with each article's tags; a lambda cannot be pickled.
    unpicklable = {"JINJA_FILTERS": {"canonical_path": lambda path: path}}
    _warm(tmp_path, corpus, **unpicklable)
    assert "was not saved" in caplog.text
    assert not (tmp_path / "warm-cache" / "ArticlesGenerator-Readers").exists()
    _warm(tmp_path, corpus, **unpicklable)  # Pelican used to crash here: EOFError


def test_the_fingerprint_describes_settings_not_memory_addresses() -> None:
    def canonical_path(path: str) -> str:
        return path

    class Extension:
        def __init__(self, nation: str) -> None:
            self.config = {"nation": [nation, "wording"]}

    base = {"A": 1, "B": [1, (2, 3)], "F": canonical_path, "MARKDOWN": [Extension("england")]}
    same = {"MARKDOWN": [Extension("england")], "F": canonical_path, "B": [1, (2, 3)], "A": 1}
    assert cache.canonical(base) == cache.canonical(same)
    assert cache.canonical(base) != cache.canonical({**base, "MARKDOWN": [Extension("wales")]})
    assert cache.canonical({"F": lambda p: p}) != cache.canonical({"F": lambda p: p + "/"})
    assert "0x" not in repr(cache.canonical({"O": object(), "F": canonical_path}))
    cyclic: dict = {"self": None}
    cyclic["self"] = cyclic
    assert cache.canonical(cyclic)  # no recursion error


def test_a_check_answer_follows_the_files_it_asks_about(tmp_path: Path, corpus: Path) -> None:
    """A remembered "this picture is missing" is asked again once the picture is added."""
    article = corpus / "articles" / "first-aid" / "first-aid-kit.md"
    article.write_text(PICTURE_ARTICLE.replace("first-aid-kit.png", "kit-2.png"), "utf-8")

    def missing() -> list[str]:
        return [p.problem for p in problems.current_store() if "kit-2.png" in p.problem]

    _warm(tmp_path, corpus)
    assert missing(), "the missing picture is reported"
    _warm(tmp_path, corpus, "warm-again")
    assert missing(), "and reported again from the remembered answer"
    shutil.copyfile(corpus / "images" / "first-aid-kit.png", corpus / "images" / "kit-2.png")
    _warm(tmp_path, corpus, "warm-added")
    assert missing() == []  # the article did not change, the content folder did


def test_a_template_edited_between_builds_in_one_process_shows_in_the_next(
    tmp_path: Path, corpus: Path
) -> None:
    # Jinja does not re-check template files (auto_reload off): safe only because Pelican
    # makes a new environment for every build, as `invoke livereload` runs them.
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    assert read_settings(str(ROOT / "pelicanconf.py"))["JINJA_ENVIRONMENT"]["auto_reload"] is False
    first = _warm(tmp_path, corpus, "first", THEME=str(theme))
    page = "first-aid/how-to-do-cpr/index.html"
    assert "theme-edit-marker" not in (first / page).read_text("utf-8")
    for name in ("base.html", "partials/share.html"):
        path = theme / "templates" / name
        path.write_text(
            path.read_text("utf-8").replace("</footer>", "<!-- theme-edit-marker --></footer>")
            if name == "base.html"
            else path.read_text("utf-8").replace(
                "</section>", "</section><i hidden>theme-edit-marker-2</i>", 1
            ),
            "utf-8",
        )
    second = _warm(tmp_path, corpus, "second", THEME=str(theme))
    text = (second / page).read_text("utf-8")
    assert "theme-edit-marker -->" in text and "theme-edit-marker-2" in text
