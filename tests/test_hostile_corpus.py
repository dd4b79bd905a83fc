"""The hostile corpus: every writer's mistake we know, in one build with the real site.

``tests/fixtures/hostile/content`` holds 100+ files of our own making, one or more mistakes
each (``expected.json`` says which fields each file is wrong in and whether it is left out);
two symbolic links leaving the content folder are added when the corpus is built. The
corpus is merged into a copy of the real ``content/`` and built once per session with the
strict runner, next to a build of the real content alone. Then:

- the strict build fails with one table naming every bad file and each wrong field, and
  nothing else; no traceback and no developer wording anywhere in the output;
- every real article and page is written with the same ``<main>`` as without the corpus;
- no left-out file has a page, a feed entry, a card or a line in the URL manifest;
- feeds are valid XML; CSV exports are safe to open in a spreadsheet;
- headless Chromium opens every page and feed item the corpus produced and no script runs;
- every row of the writers' guide table is a message writers really see, and every
  message the corpus produces is in that table.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from kernel.header import read_header

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
EXPECTED: dict[str, dict] = json.loads((HOSTILE / "expected.json").read_text(encoding="utf-8"))
# Made when the corpus is built (a symbolic link in the repository would be a path of one
# machine): both point outside the content folder.
LINKS = {
    "articles/first-aid/linked-article.md": "outside.md",
    "images/linked-picture.png": "outside.png",
}
for _link in LINKS:
    EXPECTED[_link] = {"fields": ["file"], "left_out": True, "published": False}
GUIDE = ROOT / "docs" / "writing.md"
FORMULA = ("=", "+", "-", "@", "\t", "\r")
TODAY = "2026-12-01"
TABS = 4  # pages loaded side by side in the browser test


@dataclass
class Build:
    """One strict build of a content folder: exit code, everything printed, output, problems."""

    code: int
    log: str
    output: Path
    content: Path
    problems: list[dict]
    siteurl: str


def _start(content: Path, output: Path, siteurl: str, problems: Path) -> subprocess.Popen:
    # As in CI: no terminal and no COLUMNS (Rich would lay out 80 columns and break paths).
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(ROOT / "plugins")
    env["SHAREWELL_TODAY"] = TODAY  # review dates in the corpus are written around this day
    command = [
        sys.executable, "-m", "tools.build", "-s", str(ROOT / "pelicanconf.py"),
        "-o", str(output), "--strict", "--no-atomic", "--problems-json", str(problems),
        "-e", f"PATH={content}", f"CACHE_PATH={output.parent / 'cache'}",
        f"SITEURL={siteurl}", f"FEED_DOMAIN={siteurl}",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process: subprocess.Popen, content: Path, output: Path, problems: Path, url: str):
    log, _ = process.communicate(timeout=900)
    found = json.loads(problems.read_text(encoding="utf-8")) if problems.exists() else []
    return Build(process.returncode, log, output, content, found, url)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, site_server) -> tuple[Build, Build]:
    """(the real content alone, the real content with the hostile corpus), built at once."""
    base = tmp_path_factory.mktemp("hostile")
    clean_content = shutil.copytree(ROOT / "content", base / "clean" / "content")
    hostile_content = shutil.copytree(ROOT / "content", base / "hostile" / "content")
    shutil.copytree(HOSTILE / "content", hostile_content, dirs_exist_ok=True)
    (base / "hostile" / "outside.md").write_text("Title: Outside\n\nNot ours.\n", encoding="utf-8")
    shutil.copy(ROOT / "content" / "images" / "ambulance.png", base / "hostile" / "outside.png")
    for link, target in LINKS.items():
        (hostile_content / link).symlink_to(base / "hostile" / target)
    runs = []
    (base / "hostile" / "output").mkdir()
    url = site_server(base / "hostile" / "output")  # both builds: the same SITEURL
    for name, content in (("clean", clean_content), ("hostile", hostile_content)):
        output = base / name / "output"
        output.mkdir(exist_ok=True)
        problems = base / name / "problems.json"
        runs.append((_start(content, output, url, problems), content, output, problems, url))
    clean, hostile = (_finish(*run) for run in runs)
    return clean, hostile


def table_rows(log: str) -> list[tuple[str, str, str]]:
    """Return (severity, file, field) of every row of the printed problem table."""
    rows = []
    for line in log.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 5 and cells[1] in ("error", "warning", "advice"):
            rows.append((cells[1], re.sub(r":\d+$", "", cells[2]), cells[3]))
    return rows


def test_the_corpus_is_big_and_covers_every_class():
    files = [p for p in (HOSTILE / "content").rglob("*") if p.is_file()]
    assert len(files) >= 60
    assert {p.relative_to(HOSTILE / "content").as_posix() for p in files} | set(LINKS) == set(
        EXPECTED
    )
    fields = {f for e in EXPECTED.values() for f in e["fields"]}
    needed = ("title", "slug", "save_as", "url", "template", "lang", "date", "header",
              "category", "tags", "summary", "body", "image", "care card", "file")  # fmt: skip
    assert set(needed) <= fields


def test_the_real_site_alone_builds_strictly(corpus):
    clean, _ = corpus
    assert clean.code == 0, clean.log[-3000:]
    assert clean.problems == []


def test_one_table_names_every_bad_file_and_field_and_nothing_else(corpus):
    _, hostile = corpus
    assert hostile.code == 1
    assert hostile.log.count("Build problems") == 1
    rows = table_rows(hostile.log)
    assert len(rows) == len(hostile.problems)
    found: dict[str, set[str]] = {}
    for _, file, field in rows:
        found.setdefault(file, set()).add(field)
    for path, expected in EXPECTED.items():
        assert found.get(f"content/{path}", set()) == set(expected["fields"]), path
    assert set(found) <= {f"content/{path}" for path in EXPECTED}


def test_no_traceback_and_no_developer_words(corpus):
    for build in corpus:
        assert "Traceback" not in build.log
        assert "CRITICAL" not in build.log
        assert "see the message above" not in build.log
        assert "see the log" not in build.log
    _, hostile = corpus
    for problem in hostile.problems:
        assert problem["file"].startswith("content/"), problem
        assert problem["field"] not in ("", "-", "build"), problem
        assert problem["fix"].strip(), problem
    # Values are shown literally: console markup in a writer's value is not swallowed.
    assert "[/bold] [red]2026[x]" in hostile.log


def test_every_location_stays_whole_in_a_log_without_a_terminal(corpus):
    _, hostile = corpus
    for problem in hostile.problems:
        where = problem["file"] + (f":{problem['line']}" if problem["line"] else "")
        assert re.search(rf"│ {re.escape(where)} +│", hostile.log), where


def _problems_of(build: Build, name: str) -> list[dict]:
    return [p for p in build.problems if p["file"] == f"content/articles/first-aid/{name}.md"]


def test_drafts_are_checked_as_warnings_so_nothing_waits_for_publication_day(corpus):
    _, hostile = corpus
    for name in ("draft-missing-everything", "draft-with-placeholders"):
        found = _problems_of(hostile, name)
        assert len(found) >= 5, name
        assert {p["severity"] for p in found} == {"warning"}, found
        # Each error of a published article says why it is only a warning here.
        softened = [
            p for p in found if p["problem"].endswith("(a draft: fix it before publishing)")
        ]
        assert len(softened) >= 4, found
    # What would put a script in front of readers is never softened, not even in a draft.
    [script] = _problems_of(hostile, "draft-with-script-body")
    assert (script["severity"], script["excludes"]) == ("error", True)


def _left_out() -> set[str]:
    return {f"content/{path}" for path, e in EXPECTED.items() if e["left_out"]}


def test_the_summary_lists_what_was_left_out(corpus):
    _, hostile = corpus
    lines = [x.strip() for x in hostile.log.splitlines()]
    line = next(x for x in lines if x.startswith("Left out of this build"))
    listed = set(line.split(": ", 1)[1].split(", "))
    assert listed == _left_out()
    assert {p["file"] for p in hostile.problems if p["excludes"]} == _left_out()


def _output_of(source: Path, content: Path) -> str:
    """Return the output file of a real article or page (sections are folders; Slug given)."""
    header = read_header(source.read_text(encoding="utf-8"))
    slug = header.first("slug") or header.first("translation_of") or source.stem
    # A translation lives under its language (every real one has an English version).
    prefix = f"{header.first('lang')}/" if header.first("lang") else ""
    relative = source.relative_to(content)
    if relative.parts[0] == "pages":
        return f"{prefix}{slug}/index.html"
    return f"{prefix}{relative.parts[1]}/{slug}/index.html"


def _main(html: str, *, related: bool = True) -> str:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    if not related:
        for block in main.select(".related"):
            block.decompose()
    return str(main)


def test_every_real_page_keeps_the_same_main_content(corpus):
    clean, hostile = corpus
    sources = sorted((ROOT / "content").rglob("*.md"))
    assert len(sources) >= 20
    for source in sources:
        relative = source.relative_to(ROOT / "content")
        written = _output_of(clean.content / relative, clean.content)
        before = (clean.output / written).read_text(encoding="utf-8")
        after = (hostile.output / written).read_text(encoding="utf-8")
        # A translation's related list fills up from its section in its language, where the
        # corpus adds a valid Welsh article (`translation: true`): only that list may change.
        related = not written.startswith(("cy/", "ur/"))
        assert _main(before, related=related) == _main(after, related=related), written


def _left_out_pages(hostile: Build) -> list[str]:
    pages = []
    for path, expected in EXPECTED.items():
        if expected["left_out"] and path.startswith("articles/") and path.endswith(".md"):
            stem = Path(path).stem
            pages.append(f"/{Path(path).parent.name}/{stem}/")
    return pages


def test_left_out_files_leave_no_page_feed_entry_card_or_url(corpus):
    clean, hostile = corpus
    manifest = json.loads((hostile.output / "published-urls.json").read_text(encoding="utf-8"))
    listed = json.dumps(manifest)
    feeds = "".join(p.read_text(encoding="utf-8") for p in (hostile.output / "feeds").iterdir())
    sitemap = (hostile.output / "sitemap.xml").read_text(encoding="utf-8")
    for page in _left_out_pages(hostile):
        if (clean.output / page.strip("/") / "index.html").exists():
            continue  # the real page of the same address (duplicate slugs): it must stay
        assert not (hostile.output / page.strip("/") / "index.html").exists(), page
        assert page not in listed and page not in feeds and page not in sitemap, page
    assert not list((hostile.output / "og").glob("pasted-paragraph-title*"))
    assert not (hostile.output.parent / "escape.html").exists()
    assert not (hostile.output.parent.parent / "escape.html").exists()
    assert not (Path(tempfile.gettempdir()) / "sharewell-escape.html").exists()
    home = (hostile.output / "index.html").read_text(encoding="utf-8")
    assert _main(home).count("article-card") >= 1
    about = (hostile.output / "about" / "index.html").read_text(encoding="utf-8")
    assert "About Sharewell" in about


def test_feeds_are_valid_xml_with_every_published_hostile_article(corpus):
    _, hostile = corpus
    feed = hostile.output / "feeds" / "all.atom.xml"
    for path in (hostile.output / "feeds").iterdir():
        ET.parse(path)  # raises on anything XML cannot carry
    text = feed.read_text(encoding="utf-8")
    for path, expected in EXPECTED.items():
        if expected["published"] and path.startswith("articles/first-aid/"):
            source = HOSTILE / "content" / path
            if "Status: draft" in source.read_text(encoding="utf-8", errors="replace"):
                continue
            assert f"/first-aid/{source.stem}/" in text, path


def _cells(folder: Path) -> list[str]:
    cells = []
    for path in folder.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        cells += [cell for row in rows[1:] for cell in row]
    return cells


def test_csv_exports_are_safe_to_open_in_a_spreadsheet(corpus):
    _, hostile = corpus
    cells = _cells(hostile.output) + _cells(hostile.output.with_name("output-private"))
    assert any("HYPERLINK" in cell for cell in cells)  # the hostile share text is exported
    for cell in cells:
        if re.fullmatch(r"-?\d+(\.\d+)?", cell):
            continue
        assert not cell.startswith(FORMULA), cell


def _guide_rows() -> list[str]:
    """Return the "The check says" cell of every row of the guide's tables of checks."""
    rows = []
    for table in GUIDE.read_text(encoding="utf-8").split("| The check says |")[1:]:
        for line in table.split("\n\n", 1)[0].splitlines()[2:]:
            says = re.split(r"(?<!\\)\|", line)[1].strip().replace("\\|", "|")
            rows.append(says)
    return rows


def _pattern(says: str) -> re.Pattern:
    return re.compile(".*?".join(re.escape(part.strip()) for part in says.split("…")), re.S)


def test_the_guide_table_is_what_writers_see(corpus):
    _, hostile = corpus
    rows = _guide_rows()
    assert len(rows) >= 40
    messages = [p["problem"] for p in hostile.problems]
    for says in rows:
        assert any(_pattern(says).search(m) for m in messages), f"no writer sees: {says}"
    for message in messages:
        assert any(_pattern(says).search(message) for says in rows), f"not in the guide: {message}"


# ---- the browser: no script of a writer's runs anywhere --------------------------------------
def _hostile_pages(clean: Build, hostile: Build) -> list[str]:
    """Return every HTML file of the hostile build that is new or differs from the clean one."""
    pages = []
    for path in sorted(hostile.output.rglob("*.html")):
        relative = path.relative_to(hostile.output)
        before = clean.output / relative
        if relative.parts[0] == "pagefind":
            continue
        if not before.exists() or before.read_bytes() != path.read_bytes():
            pages.append(relative.as_posix())
    return pages


def _watch(page) -> list[str]:
    """Record dialogs and PWNED console lines; a sentinel the payloads would change."""
    seen: list[str] = []
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda msg: "PWNED" in msg.text and seen.append(f"console: {msg.text}"))
    page.add_init_script("window.__PWNED = 0;")

    def quick(route) -> None:
        # Pictures, fonts and styles are not needed to run scripts; a refused picture fires
        # its error handler at once, so an `onerror=` payload would run sooner, not later.
        if route.request.resource_type in ("image", "font", "stylesheet", "media"):
            route.abort()
        else:
            route.fallback()

    page.route("**/*", quick)
    return seen


def _feed_html(feed: Path) -> list[str]:
    """Return every fragment a feed reader renders as HTML (typed html, RSS descriptions)."""
    fragments = []
    for element in ET.parse(feed).iter():
        namespace, _, tag = element.tag.rpartition("}")
        if not element.text:
            continue
        atom_html = tag in ("content", "summary") and element.get("type") in ("html", "xhtml")
        rss_html = tag == "description" and not namespace  # RSS: HTML by convention
        media_html = tag == "description" and element.get("type") == "html"
        if atom_html or rss_html or media_html:
            fragments.append(element.text)
    return fragments


@pytest.mark.browser
def test_no_script_runs_on_any_page_or_feed_item_of_the_corpus(corpus, new_page):
    clean, hostile = corpus
    pages = _hostile_pages(clean, hostile)
    assert len(pages) >= 60
    tabs = [new_page(width=1280) for _ in range(TABS)]
    seen = [event for tab in tabs for event in [_watch(tab)]]
    for start in range(0, len(pages), TABS):
        batch = list(zip(tabs, pages[start : start + TABS], strict=False))
        for tab, relative in batch:  # the browser loads the batch side by side
            tab.goto(
                f"{hostile.siteurl}/{relative.removesuffix('index.html')}", wait_until="commit"
            )
        for tab, relative in batch:
            tab.wait_for_load_state("load")
            assert tab.evaluate("window.__PWNED") == 0, relative
    assert [event for events in seen for event in events] == []
    page = tabs[0]
    feeds = sorted((hostile.output / "feeds").glob("*.xml"))
    fragments = sorted({f for feed in feeds for f in _feed_html(feed)})  # each once
    assert len(fragments) >= 60
    for fragment in fragments:
        page.set_content(fragment, wait_until="load")
        assert page.evaluate("window.__PWNED") == 0, fragment[:300]
    assert [event for events in seen for event in events] == []
    assert [url for tab in tabs for url in tab.external_requests] == []
