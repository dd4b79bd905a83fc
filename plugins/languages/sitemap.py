"""Language alternates in the sitemap: every version of a page, itself and x-default included.

pelican-sitemap writes each translation as ``<xhtml:link ... ref=...>`` (``ref``, not
``href``, so crawlers ignore it), leaves out the page itself and x-default, and lists
translations that are not live yet (scheduled, drafts). Search engines want every language
version on every version's ``<url>``, the page itself included. After the sitemap is written
(the kernel's ``site_written``, after every ``finalized``) this replaces its ``xhtml:link``
elements with the alternates of ``content.language`` and of the listings: the same data
the pages' ``hreflang`` links come from, so the two can never disagree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from kernel.contracts import Language

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def rewrite(path: Path, languages: Mapping[str, Language]) -> int:
    """Give each ``<url>`` of the sitemap at ``path`` its language alternates; return how many.

    ``languages`` maps absolute page URLs to their ``Language``. A sitemap that is not there
    (the plugin is off, a text sitemap) is left alone.
    """
    if not path.is_file() or path.suffix != ".xml":
        return 0
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    tree = ET.parse(path)  # noqa: S314 - our own build output, not outside input
    changed = 0
    for url in tree.getroot().iter(f"{{{SITEMAP_NS}}}url"):
        for link in url.findall(f"{{{XHTML_NS}}}link"):
            url.remove(link)
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        info = languages.get(loc)
        if info is None or len(info.alternates) < 2:
            continue
        links = [(alt.hreflang, alt.url) for alt in info.alternates]
        if info.x_default:
            links.append(("x-default", info.x_default))
        for tag, href in links:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=tag, href=href)
        changed += 1
    ET.indent(tree, space="")
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return changed
