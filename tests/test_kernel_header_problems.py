"""The kernel's header parser (as Pelican reads it, with diagnostics) and the problem store."""

from __future__ import annotations

import io
import logging

import markdown
import pytest
from kernel import console, problems
from kernel.header import read_header
from kernel.problems import Problem, ProblemStore, Severity

KNOWN = frozenset({"title", "date", "image", "image_alt", "sources", "summary", "tags",
                   "last_reviewed", "category", "slug", "status"})  # fmt: skip


def markdown_meta(text: str) -> dict:
    """What Python-Markdown's meta extension (Pelican's reader) extracts."""
    md = markdown.Markdown(extensions=["markdown.extensions.meta"])
    md.convert(text.lstrip("\ufeff"))
    return md.Meta


CASES = [
    "Title: A\nDate: 2026-01-01\n\nBody",
    "Title: A\nSources: One | https://a.org\n    Two | https://b.org\nTags: x\n\nBody",
    "---\nTitle: A\n---\nBody",
    "Title: A\n\nImage: x.png\nimage_alt: y\n\nBody",
    "Title: A\nsources: One | https://a.org\n  NHS: CPR | https://b.org\nimage: x.png\n\nBody",
    "   Title: indented three\nDate: 2026-01-01\n\nBody",
    "Title: A\nLast reviewed: 2026-01-01\nimage: x\n\nBody",
    "\ufeffTitle: BOM\nDate: 2026-01-01\n\nBody",
    "Title: A\r\nDate: 2026-01-01\r\n\r\nBody",
    "No header at all, just prose.",
    "",
    "Title: A\nTitle: B\n\nBody",
]


@pytest.mark.parametrize("text", CASES)
def test_header_agrees_with_pythons_markdown_meta(text):
    header = read_header(text, KNOWN)
    assert {k: f.values for k, f in header.fields.items()} == markdown_meta(text)


def test_line_numbers_and_values():
    text = "Title: A\nSources: One | https://a.org\n    Two | https://b.org\nTags: x, y\n\nBody"
    header = read_header(text, KNOWN)
    assert header.line_of("title") == 1
    assert header.line_of("sources", 1) == 3
    assert header.get("sources") == "One | https://a.org\nTwo | https://b.org"
    assert header.first("tags") == "x, y"
    assert header.body_start == 6
    assert header.issues == []


def test_bom_is_read_like_pelican_does():
    header = read_header("\ufeffTitle: With BOM\nDate: 2026-01-01\n\nBody", KNOWN)
    assert header.had_bom
    assert header.get("title") == "With BOM"
    assert header.line_of("date") == 2


def test_blank_line_inside_the_header_is_an_issue_naming_the_keys():
    text = "Title: A\nDate: 2026-01-01\n\nimage: images/x.png\nimage_alt: A bandage\n\nBody text."
    header = read_header(text, KNOWN)
    assert "image" not in header.fields  # as Pelican reads it
    [issue] = header.issues
    assert issue.line == 3
    assert "`image` (line 4)" in issue.problem and "`image_alt` (line 5)" in issue.problem
    assert "remove the blank line at line 3" in issue.fix


def test_two_space_continuation_is_an_issue():
    text = "Title: A\nsources: NHS | https://a.org\n  NICE | https://b.org\nimage: x.png\n\nBody"
    header = read_header(text, KNOWN)
    assert header.get("image") is None
    problems_ = [i for i in header.issues if i.field == "header"]
    assert problems_ and problems_[0].line == 3
    assert "indented by 2 spaces" in problems_[0].problem
    assert any(i.field == "image" and i.line == 4 for i in header.issues)


def test_key_with_a_space_ends_the_header_and_is_named():
    header = read_header("Title: A\nLast reviewed: 2026-01-01\nimage: x\n\nBody", KNOWN)
    fields = {i.field for i in header.issues}
    assert "last_reviewed" in fields
    assert "image" in fields


def test_underscored_keys_in_the_body_are_found_outside_code_fences():
    text = "Title: A\n\nSome prose.\n\nimage_alt: oops\n\n```\nlast_reviewed: fine in code\n```\n"
    header = read_header(text, KNOWN)
    assert [(i.field, i.line) for i in header.issues] == [("image_alt", 5)]


def test_ordinary_prose_after_the_header_is_fine():
    text = "Title: A\nDate: 2026-01-01\n\nNote: this is prose.\nDate: Saturday is busy.\n"
    header = read_header(text, KNOWN)
    assert header.issues == []


def test_duplicate_single_keys_are_named():
    header = read_header("Title: A\nTitle: B\nTags: a\nTags: b\n\nBody", KNOWN)
    assert [(i.field, i.line) for i in header.issues] == [("title", 2)]


def test_problem_needs_file_and_field_and_sorts_worst_first():
    with pytest.raises(ValueError, match="file and a field"):
        Problem("", "title", "x", "y")
    with pytest.raises(ValueError, match="file and a field"):
        Problem("a.md", "", "x", "y")
    items = [
        Problem("b.md", "title", "w", "f", Severity.WARNING, line=2),
        Problem("a.md", "date", "e", "f", "error", line=9),
        Problem("a.md", "summary", "i", "f", Severity.INFO),
        Problem("a.md", "title", "e", "f", Severity.ERROR, line=1),
    ]
    ordered = sorted(items, key=Problem.sort_key)
    assert [(p.file, p.field) for p in ordered] == [
        ("a.md", "title"), ("a.md", "date"), ("b.md", "title"), ("a.md", "summary"),
    ]  # fmt: skip
    assert items[1].location == "a.md:9" and items[2].location == "a.md"
    assert items[1].as_warning(" (draft)").severity is Severity.WARNING
    assert items[1].as_dict()["severity"] == "error"


def test_store_keeps_each_problem_once_and_logs_it(caplog):
    store = ProblemStore()
    problem = Problem("a.md", "title", "no title", "add one", line=1, source="content_guard")
    with caplog.at_level(logging.INFO, logger="sharewell.problems"):
        assert store.add(problem)
        assert not store.add(problem)
    assert len(store) == 1
    [record] = caplog.records
    assert getattr(record, problems.LOG_MARK) is True
    assert record.getMessage() == "content_guard: a.md:1: title: no title. Fix: add one"
    store.add(Problem("b.md", "tags", "one tag", "add more", Severity.WARNING))
    store.add(Problem("c.md", "slug", "collides", "rename", excludes=True))
    assert [p.file for p in store.failing(strict=False)] == ["a.md", "c.md"]
    assert len(store.failing(strict=True)) == 3
    assert store.excluded_files() == ["c.md"]
    assert [p.field for p in store.for_file("a.md")] == ["title"]


def test_report_goes_to_the_current_run_store():
    store = problems.new_run()
    problems.report(Problem("a.md", "title", "x", "y"))
    assert problems.current_store() is store and len(store) == 1
    assert problems.begin_run() is store  # the tool's store is this run's
    assert problems.begin_run() is not store  # the next run (autoreload) starts afresh


def test_console_table_shows_values_literally_and_keeps_paths_whole():
    out = io.StringIO()
    long_path = "content/articles/first-aid/" + "how-to-do-cpr-" * 6 + ".md"
    console.print_problems(
        [
            Problem(
                long_path, "title", "title `[/bold]` and [x] here", "fix [red]it[/red]", line=12
            ),
            Problem("b.md", "summary", "bell \x07 and escape \x1b[31m", "remove them", "warning"),
        ],
        title="Build problems",
        file=out,
    )
    shown = out.getvalue()
    assert f"{long_path}:12" in shown  # one line: searchable and copyable in CI logs
    assert "[/bold]" in shown and "[x]" in shown and "[red]it[/red]" in shown
    assert "\x07" not in shown and "\x1b" not in shown and "\\x07" in shown
    assert "1 error, 1 warning, 0 advice" in shown


def test_console_says_when_there_is_nothing():
    out = io.StringIO()
    console.print_problems([], title="Content problems", file=out)
    assert "Content problems: none found." in out.getvalue()
