"""content_guard's rules for what the README promises and for safety (pure checks), and
`invoke new`'s article: sections, tags, titles, placeholders, metadata as text, addresses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from content_guard import checks, safety, sections
from content_guard.keys import PELICAN_KEYS
from kernel.header import read_header
from kernel.signals import SourceFile
from kernel.text import PLACEHOLDER_PROBLEM
from tools import new_article

KNOWN = frozenset(k.name for k in PELICAN_KEYS) | {
    "content_type", "og_title", "last_reviewed", "reviewed_by", "sources", "share_text",
}  # fmt: skip
SECTIONS = {"first-aid": "First aid", "living-well": "Living well", "training": "Training"}
GOOD = (
    "Title: Good\nDate: 2025-01-02 10:00\nCategory: First aid\nTags: burns, children\n"
    "Summary: Fine.\ncontent_type: news\n\nBody.\n"
)


def source_for(text: str, where: str = "articles/first-aid/x.md", tmp: Path | None = None):
    root = (tmp or Path("/nonexistent-sharewell")) / "content"
    return SourceFile(
        path=root / where,
        display=f"content/{where}",
        text=text,
        header=read_header(text, KNOWN),
        kind="page" if where.startswith("pages/") else "article",
        settings={"PATH": str(root), "ARTICLE_PATHS": ["articles"]},
        today=dt.date(2026, 12, 1),
        known_keys=KNOWN,
    )


def problems_for(text: str, where: str = "articles/first-aid/x.md"):
    limits = checks.Limits(sections=SECTIONS)
    return checks.check_source(source_for(text, where), frozenset({"date", "modified"}), limits)


def fields(text: str, where: str = "articles/first-aid/x.md") -> dict[str, list]:
    found: dict[str, list] = {}
    for problem in problems_for(text, where):
        found.setdefault(problem.field, []).append(problem)
    return found


def test_a_good_article_has_no_problems():
    assert problems_for(GOOD) == []


@pytest.mark.parametrize(
    ("category", "suggestion"),
    [("Bites and stings", "First aid"), ("Frist aid", "First aid"), ("Living well", "Living well")],
)
def test_a_category_that_is_not_the_folder_keeps_the_file_out(category, suggestion):
    [problem] = fields(GOOD.replace("First aid", category))["category"]
    assert problem.excludes and problem.line == 3
    assert f"`Category: {category}` does not match the folder `first-aid/`" in problem.problem
    assert "write `Category: First aid`" in problem.fix
    if suggestion != "First aid":
        assert "move the file to `living-well/`" in problem.fix


def test_the_category_may_be_written_as_its_folder_or_in_other_case():
    assert "category" not in fields(GOOD.replace("First aid", "first-aid"))
    assert "category" not in fields(GOOD.replace("First aid", "FIRST AID"))


def test_a_folder_that_is_not_a_section_suggests_the_nearest():
    [problem] = fields(GOOD, "articles/frist-aid/x.md")["category"]
    assert problem.excludes
    assert "`frist-aid/` is not one of the site's sections" in problem.problem
    assert "did you mean First aid (first-aid/)?" in problem.fix


def test_an_article_outside_any_section_and_one_without_category():
    [loose] = fields(GOOD, "articles/x.md")["category"]
    assert loose.excludes and "not in a section folder" in loose.problem
    [missing] = fields(GOOD.replace("Category: First aid\n", ""))["category"]
    assert not missing.excludes and "`Category: First aid`" in missing.fix


def test_without_configured_sections_every_folder_is_one(tmp_path):
    (tmp_path / "content" / "articles" / "first-aid").mkdir(parents=True)
    found = sections.sections({"PATH": str(tmp_path / "content"), "ARTICLE_PATHS": ["articles"]})
    assert found == {"first-aid": "First aid"}


@pytest.mark.parametrize(
    ("tags", "words"),
    [
        ("", "no tags"),
        ("burns", "1 tag(s); it needs 2 to 5"),
        ("a, b, c, d, e, f", "6 tags; at most 5"),
        (",,, ,", "no tags"),
    ],
)
def test_articles_have_two_to_five_tags(tags, words):
    [problem] = fields(GOOD.replace("Tags: burns, children", f"Tags: {tags}"))["tags"]
    assert words in problem.problem and not problem.excludes


def test_pages_need_no_tags_or_category():
    assert problems_for("Title: About\n\nBody", "pages/about.md") == []


def test_titles_have_a_limit_and_a_pasted_paragraph_keeps_the_file_out():
    [long] = fields(GOOD.replace("Title: Good", "Title: " + "x" * 91))["title"]
    assert "91 characters long (at most 90)" in long.problem and not long.excludes
    [pasted] = fields(GOOD.replace("Title: Good", "Title: " + "word " * 2000))["title"]
    assert pasted.excludes and "pasted" in pasted.problem
    [og] = fields(GOOD + "").get("og_title") or [None]
    assert og is None
    text = GOOD.replace("Tags:", "og_title: " + "y" * 100 + "\nTags:")
    assert "100 characters" in fields(text)["og_title"][0].problem


def test_each_placeholder_left_from_invoke_new_is_named_once():
    when = dt.datetime(2026, 3, 2, 9, 0)
    text = new_article.article_text("Sprains", "First aid", "Megan Price", when, "sprains")
    found = problems_for(text)
    placeholders = {p.field for p in found if p.problem == PLACEHOLDER_PROBLEM}
    assert placeholders == {"tags", "summary", "last_reviewed", "reviewed_by", "sources"}
    assert all("replace `FILL IN: …` with" in p.fix for p in found if p.field in placeholders)


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("Summary: <script>alert(1)</script>", "summary", "<script>"),
        ("Summary: <img src=x onerror=alert(1)>", "summary", "onerror="),
        ("Summary: [x](javascript:alert(1))", "summary", "javascript:"),
        ("Summary: Go to javascript:alert(1) now", "summary", "javascript:"),
        ("Summary: A <b>bold</b> claim", "summary", "contains HTML"),
        ("og_title: <svg onload=alert(1)>", "og_title", "onload="),
        ("share_text: data:text/html,hello", "share_text", "data:"),
    ],
)
def test_metadata_with_code_or_unsafe_addresses_is_an_error(line, field, words):
    text = GOOD.replace("Summary: Fine.", line) if line.startswith("Summary") else (
        GOOD.replace("Tags:", f"{line}\nTags:")
    )  # fmt: skip
    found = fields(text)[field]
    assert any(words in p.problem for p in found), found
    assert not any(p.excludes for p in found)  # shown as text, so never dangerous


def test_console_markup_and_brackets_in_metadata_are_just_text():
    text = GOOD.replace("Summary: Fine.", "Summary: [/bold] [x] https://[your-server]/share")
    assert problems_for(text) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<img src="x" alt="x" onerror="alert(1)">', "onerror="),
        ("[x](javascript:alert(1))", "`javascript:` address"),
        ("[x]( javascript:alert(1) )", "`javascript:` address"),
        ("[x][1]\n\n[1]: javascript:alert(1)", "`javascript:` address"),
        ("[x][1]\n\n   [1]: <vbscript:msgbox(1)>", "`vbscript:` address"),
        ("![A pic](data:image/png;base64,AAAA)", "image with a `data:` address"),
        ('<a href="jav&#x61;script:alert(1)">x</a>', "javascript:"),
        ('[x](https://nhs.uk){: onclick="alert(1)"}', "event handler in `{: …}`"),
        ("<iframe src=https://evil.example></iframe>", "<iframe>"),
        ("<scr<script>ipt>alert(1)</script>", "<script>"),
    ],
)
def test_unsafe_bodies_keep_the_file_out_with_the_line(body, words):
    found = fields(GOOD + "\n" + body + "\n")["body"]
    assert any(words in p.problem for p in found), found
    assert all(p.excludes and p.line and p.line >= 9 for p in found)


def test_code_in_a_body_is_not_run_so_it_is_fine():
    body = "Write `<script>` like this:\n\n```html\n<script>alert(1)</script>\n```\n"
    assert "body" not in fields(GOOD + body)


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ("../../../etc/passwd", "goes up out of the content folder"),
        ("~/Pictures/burn.png", "absolute path"),
        ("{static}/../../x.png", "goes up out of the content folder"),
    ],
)
def test_body_images_stay_in_the_content_folder(image, words):
    [problem] = fields(GOOD + f"\n![A picture]({image})\n")["image"]
    assert words in problem.problem and problem.excludes


def test_a_site_root_picture_that_is_not_in_content_is_an_error_that_keeps_the_page():
    [problem] = fields(GOOD + "\n![A file](/etc/passwd)\n")["image"]
    assert "is not a file in the content folder" in problem.problem
    assert not problem.excludes


def test_a_windows_path_for_an_image_is_refused_too():
    found = fields(GOOD + "\n![A picture](C:\\Users\\x.png)\n")["body"]
    assert found[0].excludes and "`c:` address" in found[0].problem


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        ("save_as: index.html\nurl: index.html", "save_as", "would replace the home page"),
        ("save_as: ../x.html\nurl: ../x.html", "save_as", "goes up"),
        ("save_as: first-aid/x/index.html", "save_as", "without `url`"),
        ("url: first-aid/x/", "url", "without `save_as`"),
        ("save_as: first-aid/a/index.html\nurl: first-aid/b/", "url", "different places"),
        ("save_as: feeds/index.html\nurl: feeds/", "save_as", "feed"),
    ],
)
def test_save_as_and_url_are_checked_before_the_build(lines, field, words):
    text = GOOD.replace("Tags:", f"{lines}\nTags:")
    source = source_for(text)
    settings = {
        **source.settings, "INDEX_SAVE_AS": "index.html", "FEED_ALL_ATOM": "feeds/all.atom.xml",
    }  # fmt: skip
    source.settings = settings
    found = [p for p in safety.check_output_fields(source) if p.field == field]
    assert found and words in found[0].problem and found[0].excludes, found


def test_a_matching_save_as_and_url_pair_is_fine():
    text = GOOD.replace("Tags:", "save_as: first-aid/x/index.html\nurl: first-aid/x/\nTags:")
    assert safety.check_output_fields(source_for(text)) == []


def test_a_control_character_in_the_body_is_named_with_its_line():
    [problem] = fields(GOOD + "A bell \x07 here\n")["body"]
    assert "U+0007 (BELL)" in problem.problem and problem.line == 9


# ---- invoke new -----------------------------------------------------------------------------
def test_invoke_new_refuses_a_section_that_does_not_exist(tmp_path):
    with pytest.raises(new_article.NewArticleError, match='Did you mean --category "First aid"'):
        new_article.create_article(tmp_path, "Sprains", "Frist aid", "Megan", sections=SECTIONS)
    assert not (tmp_path / "articles").exists()  # no new folder, so no new menu section


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("01/11/2026", "2026-11-01"),
        ("2028-13-01", "2028-01-13"),
        ("soon", "YYYY-MM-DD"),
        ("20261101", "YYYY-MM-DD"),
    ],
)
def test_invoke_new_takes_iso_dates_only(tmp_path, date, words):
    with pytest.raises(new_article.NewArticleError, match=words):
        new_article.create_article(
            tmp_path, "Sprains", "First aid", "Megan", date, sections=SECTIONS
        )


def test_invoke_new_writes_every_field_a_publishable_article_needs(tmp_path):
    path = new_article.create_article(
        tmp_path, "  How to treat   a sprain ", "first aid", "Megan Price", "2027-01-12 08:30",
        sections=SECTIONS,
    )  # fmt: skip
    assert path == tmp_path / "articles" / "first-aid" / "how-to-treat-a-sprain.md"
    header = read_header(path.read_text(encoding="utf-8"))
    assert header.first("title") == "How to treat a sprain"
    assert header.first("date") == "2027-01-12 08:30"
    assert header.first("category") == "First aid"
    for key in ("modified", "tags", "slug", "author", "status", "summary", "content_type",
                "audience", "last_reviewed", "reviewed_by", "sources"):  # fmt: skip
        assert header.first(key), key
    assert header.issues == []
    with pytest.raises(new_article.NewArticleError, match="already exists"):
        new_article.create_article(
            tmp_path, "How to treat a sprain", "First aid", "M", sections=SECTIONS
        )
    with pytest.raises(new_article.NewArticleError, match="already uses the address"):
        new_article.create_article(
            tmp_path, "How to treat a sprain", "Training", "M", sections=SECTIONS
        )


@pytest.mark.parametrize(
    ("title", "words"),
    [("", "give the article a title"), ("x" * 91, "at most 90"), ("Bell\x07", "invisible")],
)
def test_invoke_new_refuses_a_title_that_would_fail_the_checks(tmp_path, title, words):
    with pytest.raises(new_article.NewArticleError, match=words):
        new_article.create_article(tmp_path, title, "First aid", "Megan", sections=SECTIONS)


@pytest.mark.parametrize(
    "body",
    [
        "![A burn](https://images.example.org/burn.jpg)",
        "![A burn](//images.example.org/burn.jpg)",
        "![A burn]( <https://images.example.org/burn.jpg> )",
        "![A burn][pic]\n\n[pic]: https://images.example.org/burn.jpg",
        '<img src="https://images.example.org/burn.jpg" alt="A burn">',
        '<img src="/images/a.png" srcset="/images/a.png 1x, https://cdn.example/a.png 2x" alt="A">',
        '<video poster="https://cdn.example/p.jpg" controls></video>',
        '<img src="&#x68;ttps://cdn.example/a.png" alt="A">',
    ],
)
def test_a_picture_from_another_website_is_an_error_that_keeps_the_page(body):
    found = fields(GOOD + "\n" + body + "\n")
    [problem] = found["image"]
    assert "on another website" in problem.problem and "{static}/images/" in problem.fix
    assert problem.line and problem.line >= 9 and not problem.excludes


def test_links_to_other_websites_and_our_own_pictures_are_fine():
    body = (
        "[NHS 111](https://111.nhs.uk/) and ![A bandage]({static}/images/bandage.png)\n\n"
        '<a href="https://www.nhs.uk/">NHS</a>\n'
    )
    assert "image" not in fields(GOOD + "\n" + body)
