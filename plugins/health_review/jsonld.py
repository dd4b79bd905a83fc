"""Build schema.org JSON-LD as plain data and serialise it safely for <script>.

``script_json`` escapes ``<``, ``>`` and ``&`` (and U+2028/U+2029) as ``\\uXXXX``
so no string can close the script element or start a comment; the result is
still valid JSON that parses back to the same data.

Every article carries author (with the author page URL), image, dates and publisher; the
image is the card og_cards declares, read lazily (``LazyJsonLd``) because og_cards attaches
``article.og`` in the same signal, after this plugin.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kernel import urls
from markupsafe import Markup

from .metadata import Review

_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
AUDIENCE_TYPES = {"public": "Patient", "clinician": "Clinician"}


def script_json(data: Any) -> Markup:
    """Return JSON text that is safe inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704 - every markup-significant character is escaped above


class LazyJsonLd:
    """JSON-LD text built when a template first renders it (after every plugin's data is set)."""

    def __init__(self, build: Callable[[], dict[str, Any]]) -> None:
        self._build = build

    @property
    def data(self) -> dict[str, Any]:
        """Return the JSON-LD document as plain data (made again when asked again).

        Not kept: a page renders it once, and kept it was ~3 KB an article for the whole build.
        """
        return self._build()

    def __html__(self) -> str:
        return str(script_json(self.data))

    def __str__(self) -> str:
        return self.__html__()

    def __bool__(self) -> bool:
        return True


def absolute_url(siteurl: str, path: str | None) -> str:
    """Return the absolute URL of a site path (the kernel's one rule)."""
    return urls.absolute(siteurl, path)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def organization(name: str, siteurl: str, logo: str | None = None) -> dict[str, Any]:
    """Return the publisher Organization."""
    data: dict[str, Any] = {
        "@type": "Organization",
        "@id": absolute_url(siteurl, "") + "#organization",
        "name": name,
        "url": absolute_url(siteurl, ""),
    }
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute_url(siteurl, logo)}
    return data


def person_or_org(name: str, role: str | None = None, url: str | None = None) -> dict[str, Any]:
    """Return a Person (with jobTitle) or, for team names, an Organization; url: their page."""
    if role:
        data = {"@type": "Person", "name": name, "jobTitle": role}
    elif any(word in name.lower() for word in ("team", "sharewell", "editorial")):
        data = {"@type": "Organization", "name": name}
    else:
        data = {"@type": "Person", "name": name}
    if url:
        data["url"] = url
    return data


def image_object(siteurl: str, image: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Return an ImageObject from a path/URL or a {url, width, height} mapping."""
    if not image:
        return None
    if isinstance(image, str):
        return {"@type": "ImageObject", "url": absolute_url(siteurl, image)}
    data: dict[str, Any] = {"@type": "ImageObject", "url": absolute_url(siteurl, image["url"])}
    for key in ("width", "height"):
        if image.get(key):
            data[key] = int(image[key])
    return data


def content_image(content: Any, siteurl: str, fallback: str | None = None) -> Any:
    """Return the image of a page: og_cards' card, else metadata ``image``, else fallback."""
    og = getattr(content, "og", None)  # kernel.contracts.LinkPreview, when og_cards runs
    if og is not None and og.image:
        return {"url": og.image, "width": og.image_width, "height": og.image_height}
    meta = getattr(content, "metadata", None) or {}
    return meta.get("og_image") or meta.get("image") or fallback


def breadcrumbs(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Return a BreadcrumbList from [(name, absolute url), ...]."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": url}
            for index, (name, url) in enumerate(items, start=1)
        ],
    }


def article_graph(
    *,
    review: Review,
    title: str,
    description: str,
    url: str,
    siteurl: str,
    language: str,
    published: dt.datetime | None,
    modified: dt.datetime | None,
    authors: Sequence[str | tuple[str, str | None]],
    publisher: Mapping[str, Any],
    crumbs: Sequence[tuple[str, str]],
    image: str | Mapping[str, Any] | None = None,
    translations: Sequence[tuple[str, str]] = (),
    translation_of: tuple[str, str] | None = None,
    reviewed_as_original: bool = False,
) -> dict[str, Any]:
    """Return the JSON-LD document (@graph) for one article or health page.

    ``translations`` are the (url, language) of the page's other language versions when it is
    the original (schema.org ``workTranslation``); ``translation_of`` the (url, language) of
    the original when it is a translation (``translationOfWork``). ``reviewed_as_original``:
    the review is the original's (a machine-assisted translation not yet checked itself), so
    this page claims no ``lastReviewed``/``reviewedBy`` of its own (the original has them).

    ``authors`` are names or (name, author page URL); ``image`` a path/URL or a mapping with
    url, width and height.
    """
    people = [(a, None) if isinstance(a, str) else a for a in authors]
    page: dict[str, Any] = {
        "@type": "MedicalWebPage" if review.is_health_advice else "Article",
        "@id": url + "#page" if review.is_health_advice else url + "#article",
        "url": url,
        "inLanguage": language,
        "datePublished": _iso(published),
        "dateModified": _iso(modified or published),
        "author": [person_or_org(name, url=page) for name, page in people] or None,
        "publisher": {"@id": publisher["@id"]},
    }
    page["headline"] = title  # CreativeWork: valid on MedicalWebPage and Article
    if review.is_health_advice:
        page["name"] = title
    page["description"] = description or None
    page["image"] = image_object(siteurl, image)
    anchor = "#page" if review.is_health_advice else "#article"
    if translation_of:
        page["translationOfWork"] = {"@id": translation_of[0] + anchor,
                                     "inLanguage": translation_of[1]}  # fmt: skip
    if translations:
        page["workTranslation"] = [
            {"@id": other + anchor, "inLanguage": tag} for other, tag in translations
        ]
    own_review = not (reviewed_as_original and translation_of)
    if review.is_health_advice and own_review:
        page["lastReviewed"] = _iso(review.last_reviewed)
        if review.reviewed_by:
            page["reviewedBy"] = person_or_org(review.reviewed_by.name, review.reviewed_by.role)
    if review.is_health_advice:
        page["medicalAudience"] = {
            "@type": "MedicalAudience",
            "audienceType": AUDIENCE_TYPES[review.audience],
        }
        if review.about:
            page["about"] = {"@type": "MedicalCondition", "name": review.about}
        if review.aspect:
            page["aspect"] = review.aspect
        if review.sources:
            page["citation"] = [
                {"@type": "CreativeWork", "name": source.title, "url": source.url}
                for source in review.sources
            ]
    else:
        page["mainEntityOfPage"] = url
    page = {key: value for key, value in page.items() if value is not None}
    return {"@context": "https://schema.org", "@graph": [page, breadcrumbs(crumbs), publisher]}


def site_graph(
    *, name: str, siteurl: str, language: str, publisher: Mapping[str, Any], description: str = ""
) -> dict[str, Any]:
    """Return the home page's JSON-LD: Organization and WebSite."""
    website: dict[str, Any] = {
        "@type": "WebSite",
        "@id": absolute_url(siteurl, "") + "#website",
        "name": name,
        "url": absolute_url(siteurl, ""),
        "inLanguage": language,
        "publisher": {"@id": publisher["@id"]},
    }
    if description:
        website["description"] = description
    return {"@context": "https://schema.org", "@graph": [dict(publisher), website]}
