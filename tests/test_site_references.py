"""The built site against references we did not write: schema.org's vocabulary, the W3C Feed
Validator's rules for RSS 2.0 and Atom, and sitemap dates that come from the content.

Runs on the real content/ built once with the live-site settings (``real_site_publish``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import json
import mimetypes
import re
import shutil
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import extruct
from site_content import published_articles, sources
from tools.deploy.build import ensure_gzip

FIXTURES = Path(__file__).parent / "fixtures"
PUBLIC = "https://www.sharewell.org.uk"


# ---- schema.org -------------------------------------------------------------------------
@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Return ({type: its supertypes incl. itself}, {property: its domain types})."""
    path = FIXTURES / "schemaorg" / "schemaorg-current-https.jsonld.gz"
    graph = json.loads(gzip.decompress(path.read_bytes()))["@graph"]

    def ids(value) -> list[str]:
        items = value if isinstance(value, list) else [value] if value else []
        return [item["@id"].removeprefix("schema:") for item in items]

    parents: dict[str, list[str]] = {}
    domains: dict[str, set[str]] = {}
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds:
            parents[name] = ids(node.get("rdfs:subClassOf"))
        if "rdf:Property" in kinds:
            domains[name] = set(ids(node.get("schema:domainIncludes")))

    def ancestry(name: str) -> set[str]:
        out, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in out:
                out.add(current)
                todo.extend(parents.get(current, []))
        return out

    return {name: ancestry(name) for name in parents}, domains


def vocabulary_problems(node, where: str = "") -> list[str]:
    """Return every unknown type, unknown property or property used outside its domain."""
    types, domains = vocabulary()
    problems: list[str] = []
    if isinstance(node, list):
        for item in node:
            problems += vocabulary_problems(item, where)
        return problems
    if not isinstance(node, dict):
        return problems
    kind = node.get("@type")
    if kind is not None and kind not in types:
        problems.append(f"{where}: unknown type {kind}")
    for key, value in node.items():
        if key.startswith("@"):
            problems += vocabulary_problems(value, where)
            continue
        if key not in domains:
            problems.append(f"{where}: unknown property {key}")
        elif kind in types and not (types[kind] & domains[key]):
            problems.append(f"{where}: {key} is not a property of {kind}")
        problems += vocabulary_problems(value, f"{where}/{key}")
    return problems


def jsonld_of(path: Path) -> list[dict]:
    html = path.read_text(encoding="utf-8")
    return extruct.extract(html, base_url=PUBLIC, syntaxes=["json-ld"], uniform=False)["json-ld"]


def test_every_article_has_author_url_image_dates_and_publisher(real_site_publish):
    articles = published_articles()
    assert len(articles) >= 12
    for article in articles:
        page = real_site_publish / article.url / "index.html"
        (document,) = jsonld_of(page)
        graph = {node["@type"]: node for node in document["@graph"]}
        main = graph.get("MedicalWebPage") or graph["Article"]
        where = article.url
        assert main["datePublished"] and main["dateModified"], where
        assert main["publisher"] == {"@id": graph["Organization"]["@id"]}, where
        assert main["author"], where
        for author in main["author"]:
            assert author["url"].startswith(f"{PUBLIC}/author/"), where
            local = author["url"].removeprefix(PUBLIC + "/")
            assert (real_site_publish / local / "index.html").is_file(), author["url"]
        image = main["image"]
        assert image["@type"] == "ImageObject" and image["url"].startswith(PUBLIC + "/"), where
        assert (real_site_publish / image["url"].removeprefix(PUBLIC + "/")).is_file(), where
        og_image = page.read_text(encoding="utf-8").split('property="og:image" content="')[1]
        assert og_image.startswith(image["url"]), "JSON-LD image is the preview card"


def test_every_json_ld_document_uses_the_schema_org_vocabulary(real_site_publish):
    problems, documents = [], 0
    for page in sorted(real_site_publish.rglob("*.html")):
        for document in jsonld_of(page):
            documents += 1
            assert document["@context"] == "https://schema.org"
            problems += vocabulary_problems(
                document, page.relative_to(real_site_publish).as_posix()
            )
    assert documents >= 16 and problems == []


def test_the_vocabulary_check_finds_mistakes():
    bad = {"@type": "Article", "headline": "x", "lastReviewed": "2025-01-01", "writer": "A",
           "author": {"@type": "Persn", "name": "B"}}  # fmt: skip
    assert vocabulary_problems(bad) == [
        ": lastReviewed is not a property of Article",
        ": unknown property writer",
        "/author: unknown type Persn",
    ]


# ---- feeds: the W3C Feed Validator's rules, checked offline -----------------------------
RSS_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
RFC822 = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def local(site: Path, url: str) -> Path:
    assert url.startswith(PUBLIC + "/"), url
    return site / unquote(urlsplit(url).path).lstrip("/")


def rfc822(value: str) -> dt.datetime:
    """Parse an RSS date strictly (RFC 822 with a 4-digit year and the right weekday)."""
    assert RFC822.fullmatch(value), value
    parsed = email.utils.parsedate_to_datetime(value)
    assert RSS_DAYS[parsed.weekday()] == value[:3], f"wrong weekday in {value}"
    return parsed


def rfc3339(value: str) -> dt.datetime:
    assert RFC3339.fullmatch(value), value
    return dt.datetime.fromisoformat(value)


def test_rss_feeds_pass_the_feed_validator_rules(real_site_publish):
    feeds = sorted((real_site_publish / "feeds").glob("*.rss.xml"))
    # Every article, one per section (5) and one per language (en-GB, cy, ur).
    assert len(feeds) == 9
    for path in feeds:
        channel = ET.parse(path).getroot().find("channel")
        for tag in ("title", "link", "description"):
            assert channel.findtext(tag), (path.name, tag)
        self_link = channel.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href") == f"{PUBLIC}/feeds/{path.name}"
        rfc822(channel.findtext("lastBuildDate"))
        items = channel.findall("item")
        assert items, path.name
        for item in items:
            where = (path.name, item.findtext("link"))
            assert item.findtext("title") and item.findtext("link").startswith(PUBLIC + "/")
            guid = item.find("guid")
            # "guid must be a full URL, unless isPermaLink attribute is false"
            permalink = guid.text.startswith(("http://", "https://"))
            assert permalink or guid.get("isPermaLink") == "false", where
            rfc822(item.findtext("pubDate"))
            enclosures = item.findall("enclosure")
            assert len(enclosures) <= 1, where  # RSS 2.0: at most one enclosure per item
            for enclosure in enclosures:
                file = local(real_site_publish, enclosure.get("url"))
                assert int(enclosure.get("length")) == file.stat().st_size > 0, where
                assert enclosure.get("type") == mimetypes.guess_type(file.name)[0], where
            for media in item.findall(f"{MEDIA}content"):
                assert media.get("medium") == "image"
                assert local(real_site_publish, media.get("url")).is_file()


def test_atom_feeds_pass_the_feed_validator_rules(real_site_publish):
    feeds = sorted((real_site_publish / "feeds").glob("*.atom.xml"))
    # Every article, one per section (5) and one per language (en-GB, cy, ur).
    assert len(feeds) == 9
    for path in feeds:
        feed = ET.parse(path).getroot()
        assert feed.tag == f"{ATOM}feed"
        assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
        rfc3339(feed.findtext(f"{ATOM}updated"))
        self_link = feed.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href") == f"{PUBLIC}/feeds/{path.name}"
        feed_author = feed.find(f"{ATOM}author") is not None
        ids = set()
        for entry in feed.findall(f"{ATOM}entry"):
            entry_id = entry.findtext(f"{ATOM}id")
            assert re.match(r"^[a-z][a-z0-9+.-]*:", entry_id) and entry_id not in ids
            ids.add(entry_id)
            assert entry.findtext(f"{ATOM}title")
            rfc3339(entry.findtext(f"{ATOM}updated"))
            assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
            alternate = entry.find(f"{ATOM}link[@rel='alternate']")
            assert alternate is not None and alternate.get("href").startswith(PUBLIC + "/")
            for link in entry.findall(f"{ATOM}link[@rel='enclosure']"):
                file = local(real_site_publish, link.get("href"))
                assert int(link.get("length")) == file.stat().st_size > 0
        assert ids, path.name


def test_the_publish_steps_gzip_twins_match_the_finished_feeds(real_site_publish, tmp_path):
    # Pelican's live build writes no twins (pelican-precompress ran before the enclosure
    # lengths were fixed, and held every file at once); the publish step adds them after.
    assert not list(real_site_publish.rglob("*.gz"))
    feeds = tmp_path / "feeds"
    shutil.copytree(real_site_publish / "feeds", feeds)
    assert ensure_gzip(tmp_path) > 0
    for path in feeds.glob("*.xml"):
        packed = path.with_name(path.name + ".gz")
        assert packed.exists() or path.stat().st_size < 256, path.name
        if packed.exists():
            assert gzip.decompress(packed.read_bytes()) == path.read_bytes(), path.name


# ---- sitemap: lastmod from content dates ---------------------------------------------------
def test_sitemap_lastmod_comes_from_content_dates(real_site_publish):
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = ET.parse(real_site_publish / "sitemap.xml").getroot().findall(f"{ns}url")
    assert len(urls) >= 30
    content = {}
    for source in published_articles() + sources("page"):
        text = (real_site_publish / source.url / "index.html").read_text(encoding="utf-8")
        found = re.search(r'property="article:modified_time" content="([^"]+)"', text)
        content[f"{PUBLIC}/{source.url}"] = found.group(1) if found else None
    lastmods = {
        url.findtext(f"{ns}loc"): dt.datetime.fromisoformat(url.findtext(f"{ns}lastmod"))
        for url in urls
    }
    newest = max(when for loc, when in lastmods.items() if loc in content)
    assert newest < dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    for loc, lastmod in lastmods.items():
        if content.get(loc):
            assert lastmod == dt.datetime.fromisoformat(content[loc]), loc
        elif loc not in content:  # listings: the newest content date, not the build time
            assert lastmod == newest, loc
