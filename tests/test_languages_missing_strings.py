"""A real build with one Welsh interface string left untranslated: the Welsh pages fall back
to the English words, and the build warns, naming the string, the catalog and its line."""

from __future__ import annotations

import shutil

from bs4 import BeautifulSoup
from conftest import ROOT, build_report

SITEURL = "https://example.org"
HEAD = "Category: First aid\nAuthor: Writer\ncontent_type: news\nDate: 2025-01-01\n"
FILES = {
    "articles/first-aid/burns.md": "Title: Burns\nSummary: Cool it.\n" + HEAD + "\nEnglish.\n",
    "articles/first-aid/burns.cy.md": "Title: Llosgiadau\nLang: cy\ntranslation_of: burns\n"
    "Summary: Oerwch e.\n" + HEAD + "\nCymraeg.\n",
}
MISSING = "Skip to main content"


def test_an_untranslated_string_is_a_warning_naming_it(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    po = theme / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index(f'msgid "{MISSING}"\n')
    assert lines[at + 1].startswith('msgstr "') and lines[at + 1] != 'msgstr ""\n'
    lines[at + 1] = 'msgstr ""\n'  # a translator has not got to it yet
    po.write_text("".join(lines), encoding="utf-8")
    content = tmp_path / "content"
    for name, text in FILES.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    built = build_report(
        tmp_path / "output", content_path=content,
        settings={"THEME": str(theme), "SITEURL": SITEURL, "OG_CARDS_WORKERS": 0,
                  "READER_FEATURES_SEARCH": False, "SHAREWELL_TODAY": "2025-06-10"},
    )  # fmt: skip
    found = [p for p in built.problems if MISSING in p.problem]
    assert len(found) == 1, [p.problem for p in built.problems]  # once, however many pages
    [problem] = found
    assert problem.severity == "warning" and problem.field == "msgid"
    assert problem.problem == f'"{MISSING}" has no Welsh translation'
    assert problem.file.endswith("translations/cy/LC_MESSAGES/messages.po")
    assert problem.line == at + 1  # the msgid's line, 1-based
    assert "msgstr" in problem.fix
    welsh = BeautifulSoup(
        (built.output / "cy/first-aid/burns/index.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    assert welsh.select_one(".skip-link").get_text(strip=True) == MISSING  # English fallback
    english = (built.output / "first-aid/burns/index.html").read_text(encoding="utf-8")
    assert MISSING in english
    # Nothing else in the Welsh catalog is missing.
    assert not [p for p in built.problems if p.field == "msgid" and p is not problem]
