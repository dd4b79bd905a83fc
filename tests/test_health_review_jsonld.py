"""Unit tests: JSON-LD documents and their safety inside <script>."""

from __future__ import annotations

import datetime as dt
import json

from health_review.jsonld import article_graph, organization, script_json, site_graph
from health_review.metadata import Review, Reviewer, Source
from hypothesis import given
from hypothesis import strategies as st

SITE = "https://www.sharewell.org.uk"
PUBLISHER = organization("Sharewell", SITE, "theme/images/logo.png")


def graph(review: Review, title: str = "Burns") -> dict:
    return article_graph(
        review=review,
        title=title,
        description="Cool the burn.",
        url=f"{SITE}/first-aid/burns/",
        siteurl=SITE,
        language="en-GB",
        published=dt.datetime(2024, 5, 13, 9, 0),
        modified=None,
        authors=[("Aisha Rahman", f"{SITE}/author/aisha-rahman/")],
        publisher=PUBLISHER,
        crumbs=[
            ("Home", f"{SITE}/"),
            ("First aid", f"{SITE}/first-aid/"),
            ("Burns", f"{SITE}/first-aid/burns/"),
        ],
        image="images/burn.png",
    )


def advice() -> Review:
    return Review(
        last_reviewed=dt.date(2025, 3, 15),
        next_review=dt.date(2028, 3, 15),
        reviewed_by=Reviewer("Dr Amira Khan", "Consultant in Emergency Medicine", "dr-amira-khan"),
        sources=[Source("NHS", "https://www.nhs.uk/")],
        about="Burns and scalds",
        audience="public",
    )


def test_medical_web_page_fields():
    page, crumbs, org = json.loads(script_json(graph(advice())))["@graph"]
    assert page["@type"] == "MedicalWebPage"
    assert page["lastReviewed"] == "2025-03-15"
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr Amira Khan",
        "jobTitle": "Consultant in Emergency Medicine",
    }
    assert page["inLanguage"] == "en-GB"
    assert page["datePublished"] == page["dateModified"] == "2024-05-13T09:00:00"
    assert page["medicalAudience"]["audienceType"] == "Patient"
    assert page["about"] == {"@type": "MedicalCondition", "name": "Burns and scalds"}
    assert page["author"] == [
        {"@type": "Person", "name": "Aisha Rahman", "url": f"{SITE}/author/aisha-rahman/"}
    ]
    assert page["publisher"] == {"@id": org["@id"]}
    assert page["image"] == {"@type": "ImageObject", "url": f"{SITE}/images/burn.png"}
    assert page["citation"][0]["url"] == "https://www.nhs.uk/"
    assert [i["position"] for i in crumbs["itemListElement"]] == [1, 2, 3]
    assert org["logo"]["url"] == f"{SITE}/theme/images/logo.png"


def test_news_is_an_article_without_review():
    page = json.loads(script_json(graph(Review(content_type="news"))))["@graph"][0]
    assert page["@type"] == "Article"
    assert page["headline"] == "Burns"
    assert "lastReviewed" not in page
    assert "reviewedBy" not in page


def test_site_graph_has_organization_and_website():
    data = json.loads(
        script_json(
            site_graph(
                name="Sharewell",
                siteurl=SITE,
                language="en-GB",
                publisher=PUBLISHER,
                description="Clear advice",
            )
        )
    )
    assert [node["@type"] for node in data["@graph"]] == ["Organization", "WebSite"]


def test_script_closing_tag_is_escaped():
    text = script_json(graph(advice(), title='</script><script>alert("x")</script> & <!--'))
    assert "</script" not in text.lower()
    assert "<!--" not in text
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    page = json.loads(text)["@graph"][0]
    assert page["name"] == '</script><script>alert("x")</script> & <!--'


@given(st.text())
def test_any_string_round_trips_and_cannot_close_script(title):
    text = script_json({"name": title})
    assert json.loads(text) == {"name": title}
    assert "<" not in text and "\u2028" not in text


def test_rtl_and_emoji_survive():
    title = "حروق 🔥 Llosgiadau"
    assert json.loads(script_json(graph(advice(), title=title)))["@graph"][0]["name"] == title


class _Document(dict):
    """A JSON-LD document that can be watched (a plain dict has no weak references)."""


def test_lazy_json_ld_is_made_when_rendered_and_not_kept_after():
    import weakref

    from health_review.jsonld import LazyJsonLd

    made: list[weakref.ref] = []

    def build():
        document = _Document({"@type": "MedicalWebPage", "name": "</script><script>x"})
        made.append(weakref.ref(document))
        return document

    lazy = LazyJsonLd(build)
    assert lazy and made == []  # asking whether there is one builds nothing
    text = str(lazy)
    assert "</script>" not in text and "\\u003c/script\\u003e" in text
    assert len(made) == 1 and made[0]() is None  # a page renders it once: not kept after
    assert str(lazy) == text
