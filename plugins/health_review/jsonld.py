"""Build schema.org JSON-LD as plain data and serialise it safely for <script>.

``script_json`` escapes ``<``, ``>`` and ``&`` (and U+2028/U+2029) as ``\\uXXXX``
so no string can close the script element or start a comment; the result is
still valid JSON that parses back to the same data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

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


def absolute_url(siteurl: str, path: str | None) -> str:
    """Join SITEURL and a site-relative path (absolute URLs pass through)."""
    if not path:
        return siteurl.rstrip("/") + "/"
    if path.startswith(("http://", "https://")):
        return path
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}"


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


def person_or_org(name: str, role: str | None = None) -> dict[str, Any]:
    """Return a Person (with jobTitle) or, for team names, an Organization."""
    if role:
        return {"@type": "Person", "name": name, "jobTitle": role}
    if any(word in name.lower() for word in ("team", "sharewell", "editorial")):
        return {"@type": "Organization", "name": name}
    return {"@type": "Person", "name": name}


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
    authors: Sequence[str],
    publisher: Mapping[str, Any],
    crumbs: Sequence[tuple[str, str]],
    image: str | None = None,
) -> dict[str, Any]:
    """Return the JSON-LD document (@graph) for one article or health page."""
    page: dict[str, Any] = {
        "@type": "MedicalWebPage" if review.is_health_advice else "Article",
        "@id": url + "#page" if review.is_health_advice else url + "#article",
        "url": url,
        "inLanguage": language,
        "datePublished": _iso(published),
        "dateModified": _iso(modified or published),
        "author": [person_or_org(name) for name in authors] or None,
        "publisher": {"@id": publisher["@id"]},
    }
    page["name" if review.is_health_advice else "headline"] = title
    page["description"] = description or None
    if image:
        page["image"] = absolute_url(siteurl, image)
    if review.is_health_advice:
        page["lastReviewed"] = _iso(review.last_reviewed)
        if review.reviewed_by:
            page["reviewedBy"] = person_or_org(review.reviewed_by.name, review.reviewed_by.role)
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
