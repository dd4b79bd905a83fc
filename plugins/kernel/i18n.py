"""Interface text in the reader's language: gettext catalogs, read with Babel at build time.

Every interface string is written in English (the source language, ``DEFAULT_LANG``) and
translated in a gettext catalog: ``<folder>/<lang>/LC_MESSAGES/<domain>.po``. The theme's
catalog is ``theme/translations`` (domain ``messages``); each plugin keeps its own strings
in ``plugins/<plugin>/translations`` (domain: the plugin's name), so a plugin brings its
words with it and works with any theme.

Catalogs are read from the ``.po`` files at build time (Babel compiles them in memory), so
there is no compiled file to forget or to go stale: a clean checkout builds in every
language. A string with no translation (missing, empty or marked fuzzy) falls back to the
English and is reported once per build as a warning naming the ``.po`` file, its line and
the string, so a strict build never ships an English button on a Welsh page unnoticed.

``ThemeTranslations`` is Jinja's i18n extension with these catalogs installed: list it in
``JINJA_ENVIRONMENT["extensions"]``; templates use ``{{ _("Search") }}`` and
``{% trans %}``. The language of a rendered page is ``page_language(context)``.
"""

from __future__ import annotations

import contextlib
import gettext as stdlib_gettext
import io
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import pass_context
from jinja2.ext import InternationalizationExtension
from markupsafe import Markup, escape

from . import clock, contents, lang, problems, runs
from .problems import Problem, Severity

THEME_DOMAIN = "messages"
CATALOG_FOLDER = "translations"


@dataclass
class Catalog:
    """One language's compiled catalog and where each msgid sits in its ``.po`` file."""

    path: Path
    translations: stdlib_gettext.GNUTranslations
    lines: dict[str, int]  # msgid -> line of the entry in the .po file

    def lookup(self, msgid: str, plural: str | None = None, n: int = 1) -> str | None:
        """Return the translation of ``msgid``, or None when the catalog has none."""
        table = self.translations._catalog
        if plural is None:
            found = table.get(msgid)
            return found if found else None
        if (msgid, 0) not in table:
            return None
        return self.translations.ngettext(msgid, plural, n)


@dataclass
class _RunAnswers:
    """Answers that hold for one run: which catalogs exist.

    A page asks for dozens of strings; without this each asked the file system again.
    A new run (autoreload) gets new answers, so a catalog created meanwhile is found.
    """

    paths: dict[tuple[str, str, str], Path | None] = field(default_factory=dict)


_RUN_ANSWERS = runs.RunSlot(lambda _settings: _RunAnswers())


def catalog_path(folder: Path, domain: str, tag: str) -> Path | None:
    """Return the ``.po`` file for a language (``cy-GB`` then ``cy``), or None."""
    memo = _RUN_ANSWERS.get({}).paths
    key = (str(folder), domain, str(tag))
    if key not in memo:
        memo[key] = _find_catalog(Path(folder), domain, tag)
    return memo[key]


def _find_catalog(folder: Path, domain: str, tag: str) -> Path | None:
    tag = lang.normalise(tag)
    for name in (tag.replace("-", "_"), tag, lang.primary(tag)):
        path = Path(folder) / name / "LC_MESSAGES" / f"{domain}.po"
        if path.is_file():
            return path
    return None


class _Cache:
    """Compiled catalogs, recompiled when a ``.po`` file changes (autoreload)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Path, tuple[float, Catalog]] = {}

    def get(self, path: Path) -> Catalog:
        mtime = path.stat().st_mtime
        with self._lock:
            known = self._items.get(path)
            if known and known[0] == mtime:
                return known[1]
        with path.open("rb") as handle:
            source = read_po(handle)
        buffer = io.BytesIO()
        write_mo(buffer, source, use_fuzzy=False)
        buffer.seek(0)
        lines = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.lineno for m in source if m.id}
        catalog = Catalog(path, stdlib_gettext.GNUTranslations(buffer), lines)
        with self._lock:
            self._items[path] = (mtime, catalog)
        return catalog


_CACHE = _Cache()


def load(folder: Path, domain: str, tag: str) -> Catalog | None:
    """Return the compiled catalog of ``domain`` for a language, or None if it has none."""
    path = catalog_path(folder, domain, tag)
    return _CACHE.get(path) if path else None


def has_catalog(folder: Path, domain: str, tag: str) -> bool:
    """Return whether ``folder`` has a catalog of ``domain`` for this language."""
    return catalog_path(folder, domain, tag) is not None


def _display(path: Path, settings: Mapping[str, Any]) -> str:
    return contents.display_path(path, settings) if settings.get("PATH") else path.as_posix()


def _report_missing(
    settings: Mapping[str, Any],
    folder: Path,
    domain: str,
    tag: str,
    *,
    msgid: str,
    catalog: Catalog | None,
) -> None:
    if catalog is None:
        where = Path(folder) / lang.primary(tag) / "LC_MESSAGES" / f"{domain}.po"
        # One warning per language and domain, not one per string.
        problem = (f"there is no {lang.display_name(tag, 'en')} ({tag}) catalog, so "
                   f"{domain} strings show in English on pages in that language")  # fmt: skip
        fix = f"create {where.name} for `{lang.primary(tag)}` with `invoke translations`"
        line = None
    else:
        where = catalog.path
        line = catalog.lines.get(msgid)
        problem = f'"{msgid}" has no {lang.display_name(tag, "en")} translation'
        fix = (
            "write its msgstr (and remove any `#, fuzzy` mark)"
            if line
            else "run `invoke translations` to add it to the catalog, then translate it"
        )
    problems.report(
        Problem(
            _display(Path(where), settings), "msgid", problem, fix,
            severity=Severity.WARNING, line=line, source=domain,
        )
    )  # fmt: skip


class Translator:
    """One domain's strings in any language: English in, the reader's language out."""

    def __init__(self, folder: Path, domain: str) -> None:
        self.folder = Path(folder)
        self.domain = domain

    def __call__(
        self,
        settings: Mapping[str, Any],
        tag: str | None,
        msgid: str,
        plural: str | None = None,
        n: int = 1,
    ) -> str:
        """Return ``msgid`` in language ``tag`` (English, and a warning, when untranslated)."""
        source_lang = settings.get("DEFAULT_LANG") or "en-GB"
        english = msgid if plural is None or n == 1 else plural
        if not tag or lang.same_language(tag, source_lang) or lang.same_language(tag, "en"):
            return english
        catalog = load(self.folder, self.domain, tag)
        found = catalog.lookup(msgid, plural, n) if catalog else None
        if found is None:
            _report_missing(settings, self.folder, self.domain, tag, msgid=msgid, catalog=catalog)
            return english
        return found

    def has(self, tag: str) -> bool:
        """Return whether this domain has a catalog for the language."""
        return has_catalog(self.folder, self.domain, tag)


def plugin_translator(module_file: str | os.PathLike, domain: str) -> Translator:
    """Return the translator of a plugin whose catalogs sit beside ``module_file``."""
    return Translator(Path(module_file).resolve().parent / CATALOG_FOLDER, domain)


# --- the theme -------------------------------------------------------------------------


def page_language(context: Mapping[str, Any]) -> str:
    """Return the language of the page a template renders.

    ``page_lang`` when a generator sets it (a listing in another language), else the
    article's or page's own ``lang``, else ``DEFAULT_LANG``.
    """
    default = lang.normalise(context.get("DEFAULT_LANG"), "en-GB")
    explicit = context.get("page_lang")
    if isinstance(explicit, str) and explicit:
        return lang.normalise(explicit, default)
    for key in ("article", "page"):
        item = context.get(key)
        tag = getattr(item, "lang", None)
        if isinstance(tag, str) and tag:
            return lang.normalise(tag, default)
    return default


def theme_folder(context: Mapping[str, Any]) -> Path:
    """Return the theme's catalog folder (``<THEME>/translations``)."""
    return Path(str(context.get("THEME") or ".")) / CATALOG_FOLDER


_CONTEXT_ANSWER = "_sharewell_interface_language"


def interface_language(context: Mapping[str, Any]) -> str:
    """Return the language the theme's own words are in: the page's, if the theme has it."""
    return _interface(context)[0]


def _interface(context: Mapping[str, Any]) -> tuple[str, bool]:
    """Return the interface language, and whether it is the source language (no catalog)."""
    # A page asks this for each of its hundred or so strings. A Jinja context (one template's
    # render: its page and settings are fixed) keeps its answer while `page_lang` is the same.
    page_lang = context.get("page_lang")
    kept = getattr(context, _CONTEXT_ANSWER, None)
    if kept is not None and kept[0] is page_lang:
        return kept[1]
    tag = _interface_language_of(context)
    found = (tag, lang.same_language(tag, context.get("DEFAULT_LANG") or "en-GB")
             or lang.same_language(tag, "en"))  # fmt: skip
    with contextlib.suppress(AttributeError, TypeError):  # a plain mapping keeps nothing
        setattr(context, _CONTEXT_ANSWER, (page_lang, found))
    return found


def _interface_language_of(context: Mapping[str, Any]) -> str:
    tag = page_language(context)
    default = lang.normalise(context.get("DEFAULT_LANG"), "en-GB")
    if lang.same_language(tag, default) or has_catalog(theme_folder(context), THEME_DOMAIN, tag):
        return tag
    return default


def _theme_text(context: Any, message: str, plural: str | None = None, n: int = 1) -> str:
    tag, is_source = _interface(context)
    if is_source:  # the source language: no catalog to open (most strings of most pages)
        text = message if plural is None or n == 1 else plural
    else:
        text = Translator(theme_folder(context), THEME_DOMAIN)(context, tag, message, plural, n)
    # Catalog text is text: escape it like any other value (Jinja then fills %(name)s,
    # escaping the values too).
    return escape(text) if context.eval_ctx.autoescape else text


@pass_context
def _gettext(context: Any, message: str) -> str:
    return _theme_text(context, message)


@pass_context
def _ngettext(context: Any, singular: str, plural: str, n: int) -> str:
    return _theme_text(context, singular, plural, n)


@pass_context
def _page_language(context: Any) -> str:
    return page_language(context)


@pass_context
def _interface_language(context: Any) -> str:
    return interface_language(context)


class ThemeTranslations(InternationalizationExtension):
    """Jinja's i18n extension with the theme's catalogs and the page's language installed.

    Globals for templates: ``page_language()``, ``interface_language()``,
    ``text_direction(tag)``, ``language_name(tag)``, ``og_locale(tag)``.
    """

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        environment.install_gettext_callables(_gettext, _ngettext, newstyle=True)
        environment.globals.update(
            page_language=_page_language,
            interface_language=_interface_language,
            text_direction=lang.direction,
            language_name=lang.display_name,
            hreflang=lang.hreflang,
        )
        environment.globals.update(_template_globals())


# --- helpers for templates: links and names in the page's language -------------------


def language_sites(context: Mapping[str, Any]) -> dict[str, str]:
    """Return the languages with a full interface of their own: tag -> URL prefix (``cy/``).

    The ``languages`` plugin puts ``language_sites`` into the template context when it
    writes those listing pages; without it every listing is the default language's.
    """
    sites = context.get("language_sites") or {}
    return dict(sites) if isinstance(sites, Mapping) else {}


def site_prefix(context: Mapping[str, Any], tag: str | None = None) -> str:
    """Return the URL prefix of the listings in a language (``cy/``), "" for the default."""
    tag = lang.normalise(tag or interface_language(context))
    for site_tag, prefix in language_sites(context).items():
        if lang.normalise(site_tag) == tag:
            return prefix
    return ""


@pass_context
def _in_site(context: Any, url: str, tag: str | None = None) -> str:
    return site_prefix(context, tag) + str(url or "")


@pass_context
def _section_label(context: Any, category: Any) -> str:
    name = str(getattr(category, "name", category) or "")
    tag = interface_language(context)
    found = lang.section_name(context, getattr(category, "slug", None), name, tag)
    if found is None:
        problems.report(
            Problem(
                _display(Path(str(context.get("PATH") or ".")).parent / "pelicanconf.py",
                         context),
                lang.SECTION_NAMES_KEY,
                f'the section "{name}" has no {lang.display_name(tag, "en")} name',
                f'add "{getattr(category, "slug", name)}": "<name>" under "{lang.primary(tag)}"'
                f" in {lang.SECTION_NAMES_KEY}",
                severity=Severity.WARNING, source="theme",
            )
        )  # fmt: skip
        return name
    return found


@pass_context
def _version_in(context: Any, content: Any, tag: str | None = None) -> Any:
    """Return the version of ``content`` in a language (the page's), else ``content``."""
    tag = tag or page_language(context)
    for version in lang.versions(content):
        if lang.normalise(getattr(version, "lang", None) or "") == lang.normalise(tag):
            return version
    return content


@pass_context
def _lang_attrs(context: Any, content: Any) -> Markup:
    """Return ` lang=".." dir=".."` for writer text in another language than the page."""
    tag = lang.normalise(getattr(content, "lang", None) or str(content or ""), "")
    if not tag or tag == page_language(context):
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(tag, lang.direction(tag))


def bdi(text: Any) -> Markup:
    """Return writer text isolated from the text around it (mixed-direction titles)."""
    return Markup("<bdi>{}</bdi>").format(text if text is not None else "")


_INDEX = re.compile(r"(^|/)index\.html$")


def listing_key(output_file: str | None) -> str:
    """Return the URL path of an output file: ``cy/first-aid/index.html`` -> ``cy/first-aid/``."""
    return _INDEX.sub(r"\1", str(output_file or ""))


@pass_context
def _language_info(context: Any) -> Any:
    """Return the page's ``language`` attribute (contracts.Language), or None."""
    for key in ("article", "page"):
        info = getattr(context.get(key), "language", None)
        if info is not None:
            return info
    listings = context.get("listing_languages") or {}
    return listings.get(listing_key(context.get("output_file"))) if listings else None


@pass_context
def _gettext_in(context: Any, tag: str, message: str) -> str:
    """Return a theme string in another language than the page's (the language switcher)."""
    folder = theme_folder(context)
    if not has_catalog(folder, THEME_DOMAIN, tag):
        tag = str(context.get("DEFAULT_LANG") or "en-GB")
    text = Translator(folder, THEME_DOMAIN)(context, tag, message)
    return escape(text) if context.eval_ctx.autoescape else text


def _template_globals() -> dict[str, Any]:
    return {
        "language_info": _language_info,
        "gettext_in": _gettext_in,
        "in_site": _in_site,
        "section_label": _section_label,
        "version_in": _version_in,
        "lang_attrs": _lang_attrs,
        "bdi": bdi,
        "format_date": clock.format_date,
    }


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for translation"
    """Mark a constant for the catalogs (``invoke translations`` finds it); return it as is."""
    return message
