"""A language's own listing pages: home, sections, topics, authors, archives, search, 404.

Pelican lists only one version of each article (the default-language one) and writes every
listing in the default language. For each language in ``LANGUAGES_SITES`` this writes the
same listings again under ``<lang>/`` — with the theme's templates, that language's articles
(translations and originals) and ``page_lang`` set, so the theme's words, dates and section
names are that language's. Nothing is listed that is not published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import Any

from kernel import lang, urls
from kernel.contracts import Alternate, Language
from kernel.i18n import listing_key
from pelican.generators import Generator
from pelican.utils import order_content

from .state import RUN

# Direct templates a language site gets (those that list or help, not robots.txt).
DIRECT = ("index", "categories", "tags", "authors", "archives", "search", "404")


@dataclass
class LanguageSite:
    """What one language's listings show."""

    tag: str  # normalised: "cy"
    prefix: str  # "cy/"
    articles: list[Any] = field(default_factory=list)

    def by(self, key: str) -> list[tuple[Any, list[Any]]]:
        """Return (taxonomy item, its articles) pairs, sorted like Pelican's."""
        groups: dict[Any, list[Any]] = defaultdict(list)
        for article in self.articles:
            values = getattr(article, key, None)
            for value in values if isinstance(values, list) else [values] if values else []:
                groups[value].append(article)
        return sorted(groups.items(), key=lambda pair: pair[0].name.lower())


def listed(article: Any) -> bool:
    """Return whether an article appears in listings (published, not hidden)."""
    return str(getattr(article, "status", "published")).lower() == "published"


def sites(settings: Mapping[str, Any], published: Iterable[Any]) -> list[LanguageSite]:
    """Return the language sites to write, each with its listed articles, newest first."""
    wanted = [lang.normalise(t) for t in settings.get("LANGUAGES_SITES") or []]
    found = {tag: LanguageSite(tag, f"{tag}/") for tag in wanted}
    for content in published:
        tag = lang.content_language(content, settings)
        if tag in found and type(content).__name__ == "Article" and listed(content):
            found[tag].articles.append(content)
    for site in found.values():
        site.articles = order_content(
            site.articles, settings.get("ARTICLE_ORDER_BY", "reversed-date")
        )
    return list(found.values())


def _save_as(settings: Mapping[str, Any], name: str) -> str | None:
    if name == "index":
        return "index.html"
    value = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
    return value or None


def pages_of(site: LanguageSite, settings: Mapping[str, Any]) -> dict[str, str]:
    """Return every listing this site writes: default-language path -> its path here."""
    paths = {}
    for name in DIRECT:
        save_as = _save_as(settings, name)
        if save_as:
            paths[save_as] = site.prefix + save_as
    for key in ("category", "tags", "authors"):
        for item, _ in site.by(key):
            paths[item.save_as] = site.prefix + item.save_as
    return paths


def default_listings(generators: Iterable[Any], settings: Mapping[str, Any]) -> set[str]:
    """Return the files of the default language's listings Pelican writes (for pairing)."""
    found = {s for name in DIRECT if (s := _save_as(settings, name))}
    for generator in generators:
        for key in ("categories", "authors"):
            found |= {item.save_as for item, _ in getattr(generator, key, None) or []}
        found |= {tag.save_as for tag in getattr(generator, "tags", None) or {}}
    return found


def listing_languages(
    sites_: list[LanguageSite], settings: Mapping[str, Any], plain: set[str] | None = None
) -> dict[str, Language]:
    """Return ``listing_languages`` for the theme: URL path -> the listing's language versions.

    A default-language listing and a language site's listing of the same thing (the home
    page, a section, the archives) are versions of each other; a listing only one language
    has (a Welsh topic) has no versions. ``plain``: the default language's listing files.
    """
    siteurl = settings.get("SITEURL", "")
    default = lang.normalise(settings.get("DEFAULT_LANG"))
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for site in sites_:
        for own, translated in pages_of(site, settings).items():
            if plain is not None and own not in plain:
                continue
            groups[own][default] = listing_key(own)
            groups[own][site.tag] = listing_key(translated)
    out: dict[str, Language] = {}
    for versions in groups.values():
        for tag, path in versions.items():
            alternates = tuple(
                Alternate(other, urls.absolute(siteurl, p), lang.display_name(other),
                          current=other == tag)
                for other, p in versions.items()
            )  # fmt: skip
            out[path] = Language(
                lang=tag, direction=lang.direction(tag),
                og_locale=lang.og_locale(tag, settings.get("OG_CARDS_LOCALES")),
                alternates=alternates if len(alternates) > 1 else (),
                x_default=urls.absolute(siteurl, versions[default]),
            )  # fmt: skip
    return out


class LanguageListings(Generator):
    """Write each language site's listings (Pelican instantiates it from get_generators)."""

    def generate_context(self) -> None:
        """Nothing to read: the listings come from the other generators' content."""

    def generate_output(self, writer: Any) -> None:
        """Write every language site's listing pages."""
        state = RUN.peek()
        if state is None:
            return
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        for site in state.sites:
            self._write_site(site, self.context, write)

    def _write_site(self, site: LanguageSite, context: dict, write: Any) -> None:
        articles = site.articles
        newest_first = self.settings.get("NEWEST_FIRST_ARCHIVES", True)
        dates = sorted(articles, key=attrgetter("date"), reverse=newest_first)
        categories, tags, authors = site.by("category"), site.by("tags"), site.by("authors")
        local = {
            **context, "page_lang": site.tag, "articles": articles, "dates": dates,
            "categories": categories, "tags": tags, "authors": authors,
        }  # fmt: skip
        for name in DIRECT:
            save_as = _save_as(self.settings, name)
            if not save_as:
                continue
            plain_url = "" if name == "index" else self.settings.get(f"{name.upper()}_URL", "")
            paginated = {"articles": articles, "dates": dates} if name == "index" else {}
            write(
                site.prefix + save_as, self.get_template(name), local,
                paginated=paginated, template_name=name, url=site.prefix + (plain_url or ""),
                page_name=f"{site.prefix}{name}", blog=True,
            )  # fmt: skip
        for key, template in (("category", "category"), ("tags", "tag"), ("authors", "author")):
            pairs = categories if key == "category" else tags if key == "tags" else authors
            for item, items in pairs:
                write(
                    site.prefix + item.save_as, self.get_template(template), local,
                    url=site.prefix + item.url, articles=items,
                    dates=sorted(items, key=attrgetter("date"), reverse=newest_first),
                    template_name=template,
                    blog=True, page_name=site.prefix + item.page_name,
                    **{template: item},
                )  # fmt: skip
