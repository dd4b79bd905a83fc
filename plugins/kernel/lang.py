"""Languages: the one answer to "which language is this, which way does it read, what is
its og:locale" for every plugin, tool and the theme.

Language tags are BCP 47 (``cy``, ``en-GB``, ``ur-PK``, ``az-Arab``) as writers put them in
``Lang:`` and as ``DEFAULT_LANG`` holds them. Direction comes from the script: a tag's own
script subtag when it has one (``ku-Arab`` reads right to left, ``ku`` does not), else the
language's usual script (CLDR likely subtags, through Babel).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel.core import Locale, UnknownLocaleError, get_global

# Scripts written right to left (ISO 15924) that our content may use.
RTL_SCRIPTS = frozenset(
    ("Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Yezi", "Aran")
)
# og:locale values Facebook knows that likely subtags would not give (ar_EG is not one).
OG_LOCALES = {"ar": "ar_AR", "es": "es_ES", "en": "en_GB", "pt": "pt_PT", "zh": "zh_CN"}
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def is_tag(value: Any) -> bool:
    """Return whether ``value`` looks like a BCP 47 language tag (``cy``, ``en-GB``)."""
    return isinstance(value, str) and bool(_TAG.match(value.strip()))


def normalise(tag: str | None, default: str = "en-GB") -> str:
    """Return a tag in BCP 47's usual case with hyphens: ``en_gb`` -> ``en-GB``."""
    if not tag:
        return default
    # Every gettext call of every page asks this (millions per big build): remember answers.
    return _normalised(tag if isinstance(tag, str) else str(tag), default)


@functools.lru_cache(maxsize=4096)
def _normalised(tag: str, default: str) -> str:
    text = tag.strip().replace("_", "-")
    if not text:
        return default
    parts = text.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Arab
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())  # region: GB, 419
        else:
            out.append(part.lower())
    return "-".join(out)


def primary(tag: str | None) -> str:
    """Return the primary language subtag: ``en-GB`` -> ``en``."""
    return normalise(tag, "").partition("-")[0]


def same_language(first: str | None, second: str | None) -> bool:
    """Return whether two tags name the same language (``en`` and ``en-GB`` do)."""
    # Asked for every string of every page: remember answers (for text tags, as normalise).
    return _same_language(_as_text(first), _as_text(second))


def _as_text(tag: Any) -> str | None:
    return tag if tag is None or isinstance(tag, str) else (str(tag) if tag else None)


@functools.lru_cache(maxsize=4096)
def _same_language(first: str | None, second: str | None) -> bool:
    language = primary(first)
    return bool(language) and language == primary(second)


def _likely(tag: str) -> list[str]:
    """Return the likely full form of a tag as parts (``ur`` -> ur, Arab, PK)."""
    parts = normalise(tag, "").split("-")
    likely = get_global("likely_subtags").get(parts[0]) or parts[0]
    full = likely.split("_")
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    region = next((p for p in parts[1:] if p.isupper() or p.isdigit()), None)
    fallback_script = next((p for p in full[1:] if len(p) == 4), None)
    fallback_region = next((p for p in full[1:] if p.isupper()), None)
    return [parts[0], script or fallback_script or "", region or fallback_region or ""]


def script(tag: str | None) -> str:
    """Return the ISO 15924 script a tag is written in (``Latn``, ``Arab``), "" if unknown."""
    return _likely(tag or "")[1] if primary(tag) else ""


def direction(tag: str | None) -> str:
    """Return ``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if script(tag) in RTL_SCRIPTS else "ltr"


def is_rtl(tag: str | None) -> bool:
    """Return whether text in this language reads right to left."""
    return direction(tag) == "rtl"


def og_locale(tag: str | None, overrides: Mapping[str, str] | None = None) -> str:
    """Return the Open Graph locale (``language_TERRITORY``) of a tag: ``cy`` -> ``cy_GB``.

    ``overrides`` (a setting such as OG_CARDS_LOCALES) wins, by full tag then primary subtag.
    """
    tag = normalise(tag, "en-GB")
    overrides = overrides or {}
    for key in (tag, tag.lower(), primary(tag)):
        if key in overrides:
            return str(overrides[key])
    language, _script, region = _likely(tag)
    if "-" not in tag and language in OG_LOCALES:
        return OG_LOCALES[language]
    return f"{language}_{region}" if region else language


def hreflang(tag: str | None) -> str:
    """Return the value of an ``hreflang`` attribute for a content language."""
    return normalise(tag, "en-GB")


def display_name(tag: str | None, in_language: str | None = None) -> str:
    """Return a language's name in ``in_language`` (default: in itself): ``cy`` -> Cymraeg.

    A language switcher names each language in that language, so a reader who cannot read
    the page they are on can still find their own.
    """
    tag = normalise(tag, "en-GB")
    try:
        locale = Locale.parse(tag.replace("-", "_"))
        words = locale.get_language_name(
            Locale.parse((in_language or tag).replace("-", "_"))
        )  # the language, not "English (United Kingdom)"
    except (UnknownLocaleError, ValueError):
        return tag
    return (words or tag)[:1].upper() + (words or tag)[1:]


def content_language(content: Any, settings: Mapping[str, Any] | None = None) -> str:
    """Return a content object's language tag (``lang``), else the site's DEFAULT_LANG."""
    settings = settings or getattr(content, "settings", None) or {}
    default = normalise(settings.get("DEFAULT_LANG"), "en-GB")
    return normalise(getattr(content, "lang", None), default)


def _version_order(item: Any) -> tuple[bool, str]:
    return not getattr(item, "in_default_lang", False), str(getattr(item, "lang", ""))


def translations_of(content: Any) -> list[Any]:
    """Return the other language versions Pelican linked to ``content`` (its translations).

    The default language first, then by tag: Pelican's own order varies between runs, and
    the same pages must give the same bytes (reproducible releases, search not re-indexed).
    """
    found = [t for t in getattr(content, "translations", None) or [] if t is not content]
    return sorted(found, key=_version_order)


def versions(content: Any) -> list[Any]:
    """Return every language version of ``content``, itself included, in a stable order."""
    return sorted([content, *translations_of(content)], key=_version_order)


def original_of(content: Any, default_lang: str | None = None) -> Any | None:
    """Return the version in the default language that ``content`` translates, or None."""
    if getattr(content, "in_default_lang", False):
        return None
    for other in translations_of(content):
        if getattr(other, "in_default_lang", False) or (
            default_lang and same_language(getattr(other, "lang", None), default_lang)
        ):
            return other
    return None


def ordered(tags: Iterable[str], default_lang: str) -> list[str]:
    """Return language tags de-duplicated, the default language first, the rest sorted."""
    unique = {normalise(t, default_lang) for t in tags}
    default = normalise(default_lang)
    return [*(t for t in (default,) if t in unique), *sorted(unique - {default})]


SECTION_NAMES_KEY = "SHAREWELL_SECTION_NAMES"


def section_name(
    settings: Mapping[str, Any], slug: str | None, name: str, tag: str | None
) -> str | None:
    """Return a section's (category's) name in a language, or None when it has none.

    Section names are site structure, so they are a setting every plugin and the theme
    read: ``SHAREWELL_SECTION_NAMES = {"cy": {"first-aid": "Cymorth cyntaf"}}``. The default
    language uses the category's own name.
    """
    default = settings.get("DEFAULT_LANG") or "en-GB"
    if not tag or same_language(tag, default):
        return name
    table = settings.get(SECTION_NAMES_KEY) or {}
    tag = normalise(tag)
    names = table.get(tag) or table.get(tag.replace("-", "_")) or table.get(primary(tag)) or {}
    found = names.get(slug or "") if isinstance(names, Mapping) else None
    return str(found) if found else None
