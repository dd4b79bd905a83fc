"""kernel.lang and kernel.i18n: directions, og:locale, catalogs, missing strings as problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from kernel import i18n, lang, problems
from kernel.problems import Severity

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("tag", "direction"),
    [
        ("ar", "rtl"), ("ur", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur-PK", "rtl"),
        ("ps", "rtl"), ("yi", "rtl"), ("ckb", "rtl"), ("az-Arab", "rtl"), ("pa-Arab", "rtl"),
        ("cy", "ltr"), ("en-GB", "ltr"), ("pl", "ltr"), ("pa", "ltr"), ("ku-Latn", "ltr"),
        ("zz", "ltr"), ("", "ltr"), (None, "ltr"),
    ],
)  # fmt: skip
def test_direction_follows_the_script(tag, direction):
    assert lang.direction(tag) == direction
    assert lang.is_rtl(tag) is (direction == "rtl")


@pytest.mark.parametrize(
    ("tag", "locale"),
    [("cy", "cy_GB"), ("ur", "ur_PK"), ("ar", "ar_AR"), ("he", "he_IL"), ("fa", "fa_IR"),
     ("en", "en_GB"), ("en-GB", "en_GB"), ("en-us", "en_US"), ("pl", "pl_PL"), ("pa", "pa_IN"),
     ("ur-IN", "ur_IN")],
)  # fmt: skip
def test_og_locale_is_language_territory(tag, locale):
    assert lang.og_locale(tag) == locale


def test_og_locale_overrides_win_by_tag_then_language():
    assert lang.og_locale("cy", {"cy": "cy_XX"}) == "cy_XX"
    assert lang.og_locale("ur-IN", {"ur": "ur_PK"}) == "ur_PK"


def test_tags_are_normalised_and_compared_by_language():
    assert lang.normalise("en_gb") == "en-GB"
    assert lang.normalise("AZ-arab-ir") == "az-Arab-IR"
    assert lang.normalise("") == "en-GB"
    assert lang.same_language("en", "en-GB")
    assert not lang.same_language("cy", "en-GB")
    assert not lang.same_language("", "")
    for bad in ("", "e", "english language", "<script>", "cy/../x", "c\u0000y", "x" * 10_000):
        assert not lang.is_tag(bad)
    assert lang.is_tag("cy") and lang.is_tag("en-GB") and lang.is_tag("zh-Hant-TW")


def test_languages_are_named_in_themselves():
    assert lang.display_name("cy") == "Cymraeg"
    assert lang.display_name("en-GB") == "English"
    assert lang.display_name("ur") == "اردو"
    assert lang.display_name("cy", "en") == "Welsh"
    assert lang.display_name("qq-zz") == "qq-ZZ"  # unknown: the tag itself


def test_section_names_come_from_the_setting():
    settings = {
        "DEFAULT_LANG": "en-GB",
        "SHAREWELL_SECTION_NAMES": {"cy": {"first-aid": "Cymorth cyntaf"}},
    }
    assert lang.section_name(settings, "first-aid", "First aid", "cy") == "Cymorth cyntaf"
    assert lang.section_name(settings, "first-aid", "First aid", "cy-GB") == "Cymorth cyntaf"
    assert lang.section_name(settings, "first-aid", "First aid", "en-GB") == "First aid"
    assert lang.section_name(settings, "training", "Training", "cy") is None


def _catalog(tmp_path: Path, body: str, tag: str = "cy", domain: str = "messages") -> Path:
    folder = tmp_path / "translations"
    po = folder / tag / "LC_MESSAGES" / f"{domain}.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: cy\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n == 3 ? 3 '
        ': n == 6 ? 4 : 5);\\n"\n\n' + body,
        encoding="utf-8",
    )
    return folder


PO = """msgid "Home"
msgstr "Hafan"

#, fuzzy
msgid "Menu"
msgstr "Dewislen"

msgid "Search"
msgstr ""

msgid "%(count)s article"
msgid_plural "%(count)s articles"
msgstr[0] "%(count)s erthyglau"
msgstr[1] "%(count)s erthygl"
msgstr[2] "%(count)s erthygl (2)"
msgstr[3] "%(count)s erthygl (3)"
msgstr[4] "%(count)s erthygl (6)"
msgstr[5] "%(count)s erthygl (5)"

msgid "Say <b>hi</b> & go"
msgstr "Dywedwch <b>helo</b> & ewch"
"""


def test_translator_translates_and_names_what_is_missing(tmp_path):
    folder = _catalog(tmp_path, PO)
    translate = i18n.Translator(folder, "messages")
    settings = {"DEFAULT_LANG": "en-GB", "PATH": str(tmp_path / "content")}
    store = problems.new_run()
    assert translate(settings, "cy", "Home") == "Hafan"
    assert translate(settings, "en-GB", "Home") == "Home"
    assert translate(settings, "cy", "Menu") == "Menu"  # fuzzy is not a translation
    assert translate(settings, "cy", "Search") == "Search"  # empty
    assert translate(settings, "cy", "Not in the catalog") == "Not in the catalog"
    one, many = "%(count)s article", "%(count)s articles"
    assert [translate(settings, "cy", one, many, n) for n in (0, 1, 2, 3, 6, 5)] == [
        "%(count)s erthyglau", "%(count)s erthygl", "%(count)s erthygl (2)",
        "%(count)s erthygl (3)", "%(count)s erthygl (6)", "%(count)s erthygl (5)",
    ]  # fmt: skip
    missing = {p.problem: p for p in store}
    assert all(p.severity is Severity.WARNING and p.field == "msgid" for p in store)
    assert all(p.file == "translations/cy/LC_MESSAGES/messages.po" for p in store)
    menu = missing['"Menu" has no Welsh translation']
    assert menu.line == 11 and "fuzzy" in menu.fix  # the msgid line
    assert missing['"Search" has no Welsh translation'].line
    assert missing['"Not in the catalog" has no Welsh translation'].line is None
    # Each missing string once per run, however many pages ask.
    translate(settings, "cy", "Menu")
    assert len(store) == 3


def test_a_language_without_catalog_is_one_warning(tmp_path):
    translate = i18n.Translator(tmp_path / "none", "messages")
    store = problems.new_run()
    assert translate({"DEFAULT_LANG": "en-GB"}, "pl", "Home") == "Home"
    assert translate({"DEFAULT_LANG": "en-GB"}, "pl", "Menu") == "Menu"
    assert len(store) == 1 and "Polish" in store.problems[0].problem


def test_catalogs_are_reread_when_the_po_file_changes(tmp_path):
    folder = _catalog(tmp_path, 'msgid "Home"\nmsgstr "Hafan"\n')
    translate = i18n.Translator(folder, "messages")
    assert translate({}, "cy", "Home") == "Hafan"
    po = folder / "cy" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Hafan", "Cartref"), encoding="utf-8")
    import os

    stat = po.stat()
    os.utime(po, (stat.st_atime, stat.st_mtime + 5))
    assert translate({}, "cy", "Home") == "Cartref"


def _env(tmp_path: Path, templates: dict[str, str]) -> Environment:
    env = Environment(
        loader=DictLoader(templates), autoescape=True, extensions=[i18n.ThemeTranslations]
    )
    theme = tmp_path / "theme"
    (theme / "translations").mkdir(parents=True, exist_ok=True)
    folder = _catalog(tmp_path / "x", PO)
    folder.rename(theme / "translations" / "_tmp")
    (theme / "translations" / "_tmp" / "cy").rename(theme / "translations" / "cy")
    env.globals["THEME"] = str(theme)
    return env


class Item:
    def __init__(self, lang_: str, title: str = "") -> None:
        self.lang, self.title, self.translations = lang_, title, []


def test_templates_render_in_the_page_language_and_escape_catalog_text(tmp_path):
    env = _env(tmp_path, {
        "t.html": '<html lang="{{ page_language() }}" dir="{{ text_direction(page_language()) }}">'
                  '{{ _("Home") }}|{{ _("Say <b>hi</b> & go") }}|'
                  '{% trans count=n %}{{ count }} article{% pluralize %}'
                  '{{ count }} articles{% endtrans %}|'
                  '{% trans name=who %}Hello {{ name }}{% endtrans %}',
    })  # fmt: skip
    problems.new_run()
    context = {"DEFAULT_LANG": "en-GB", "n": 1, "who": "<script>"}
    welsh = env.get_template("t.html").render(article=Item("cy"), **context)
    assert welsh.startswith('<html lang="cy" dir="ltr">Hafan|')
    assert "Dywedwch &lt;b&gt;helo&lt;/b&gt; &amp; ewch" in welsh
    assert "1 erthygl|" in welsh
    assert "Hello &lt;script&gt;" in welsh and "<script>" not in welsh
    english = env.get_template("t.html").render(article=Item("en-gb"), **context)
    assert english.startswith('<html lang="en-GB" dir="ltr">Home|Say &lt;b&gt;hi')
    urdu = env.get_template("t.html").render(page_lang="ur", **context)
    assert urdu.startswith('<html lang="ur" dir="rtl">Home|')  # no Urdu catalog: English words


def test_helpers_mark_writer_text_in_other_languages(tmp_path):
    env = _env(tmp_path, {"t.html": "<a{{ lang_attrs(other) }}>{{ bdi(other.title) }}</a>"})
    problems.new_run()
    html = env.get_template("t.html").render(
        DEFAULT_LANG="en-GB", page_lang="cy", other=Item("ur", "مرحبا <b>")
    )
    assert html == '<a lang="ur" dir="rtl"><bdi>مرحبا &lt;b&gt;</bdi></a>'
    same = env.get_template("t.html").render(
        DEFAULT_LANG="en-GB", page_lang="cy", other=Item("cy", "x")
    )
    assert same == "<a><bdi>x</bdi></a>"


def test_the_committed_catalogs_match_the_code():
    """Every marked string reaches every catalog (`invoke translations` keeps them in step)."""
    from tools import catalogs

    assert catalogs.stale(ROOT) == []


def test_every_catalog_string_is_translated():
    """A build warns about an untranslated string; the committed catalogs have none."""
    from babel.messages.pofile import read_po

    untranslated = []
    for po in sorted(ROOT.glob("**/translations/*/LC_MESSAGES/*.po")):
        if ".venv" in po.parts:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and (message.fuzzy or not all(strings)):
                untranslated.append(f"{po.relative_to(ROOT)}: {message.id!r}")
            if message.id and "python-format" in message.flags:
                wanted = set(__import__("re").findall(r"%\(\w+\)s", str(message.id)))
                for text in strings:
                    assert set(__import__("re").findall(r"%\(\w+\)s", text)) <= wanted | {
                        "%(count)s"
                    }, (po, message.id)
    assert untranslated == []


def test_a_catalog_written_between_two_runs_is_used_by_the_second(tmp_path, monkeypatch):
    # The theme's answers (which catalogs exist) are kept for one run only: under
    # `invoke livereload` a writer's new catalog shows on the next rebuild.
    from kernel import runs

    monkeypatch.setattr(runs._runs, "number", 1)  # as Pelican's get_generators counts runs
    env = Environment(loader=DictLoader({"t.html": '{{ _("Home") }}'}), autoescape=True,
                      extensions=[i18n.ThemeTranslations])  # fmt: skip
    theme = tmp_path / "theme"
    (theme / "translations").mkdir(parents=True)
    env.globals["THEME"] = str(theme)
    problems.new_run()
    render = env.get_template("t.html").render
    assert render(DEFAULT_LANG="en-GB", page_lang="cy") == "Home"
    folder = _catalog(tmp_path / "new", PO)
    (folder / "cy").rename(theme / "translations" / "cy")
    assert render(DEFAULT_LANG="en-GB", page_lang="cy") == "Home"  # same run: as it began
    monkeypatch.setattr(runs._runs, "number", 2)
    assert render(DEFAULT_LANG="en-GB", page_lang="cy") == "Hafan"


def test_a_page_keeps_its_interface_language_only_while_page_lang_stays(tmp_path):
    # Each render keeps its answer (asked once per string); a template that sets `page_lang`
    # again, an include and the next page each ask anew.
    env = _env(tmp_path, {
        "t.html": '{{ _("Home") }}|{% set page_lang = "en-GB" %}{{ _("Home") }}|'
                  '{% set page_lang = "cy" %}{{ _("Home") }}|{% include "i.html" %}',
        "i.html": '{{ _("Home") }}',
    })  # fmt: skip
    problems.new_run()
    render = env.get_template("t.html").render
    assert render(DEFAULT_LANG="en-GB", article=Item("cy")) == "Hafan|Home|Hafan|Hafan"
    assert render(DEFAULT_LANG="en-GB", article=Item("en")) == "Home|Home|Hafan|Hafan"
    assert render(DEFAULT_LANG="en-GB", page_lang="ur") == "Home|Home|Hafan|Hafan"
