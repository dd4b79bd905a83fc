"""The metadata keys Pelican itself reads (content_guard speaks for Pelican).

Every other key is declared by the plugin that reads it, through the kernel's
``metadata_keys`` signal, so the list of known keys is never kept by hand in one place.
"""

from __future__ import annotations

from kernel.signals import MetadataKey

_OWNER = "pelican"
PELICAN_KEYS = (
    MetadataKey("title", _OWNER, "the page's title (plain text)"),
    MetadataKey("date", _OWNER, "publication date, ISO 8601", "date"),
    MetadataKey("modified", _OWNER, "last editorial change, ISO 8601", "date"),
    MetadataKey("category", _OWNER, "the section; must match the article's folder"),
    MetadataKey("tags", _OWNER, "2-5 topics, comma-separated", "list"),
    MetadataKey("slug", _OWNER, "the URL name; the file name", "slug"),
    MetadataKey("author", _OWNER, "the writer"),
    MetadataKey("authors", _OWNER, "several writers, comma-separated", "list"),
    MetadataKey("summary", _OWNER, "one plain sentence for lists, previews and search"),
    MetadataKey("status", _OWNER, "published, draft, hidden or scheduled"),
    MetadataKey("lang", _OWNER, "the page's language (BCP 47, e.g. cy)", "lang"),
    MetadataKey("translation", _OWNER, "true when this file translates another", "flag"),
    MetadataKey("save_as", _OWNER, "output file, relative to the site (rarely needed)", "path"),
    MetadataKey("url", _OWNER, "URL, relative to the site (rarely needed)", "path"),
    MetadataKey("template", _OWNER, "theme template to render with (without .html)"),
    MetadataKey("image", "theme", "the article's photo, in content/images/", "path"),
    MetadataKey("image_alt", "theme", "what the photo shows, for people who cannot see it"),
    MetadataKey("keywords", _OWNER, "extra search keywords", "list"),
)
STATUSES = ("published", "draft", "hidden", "scheduled")
