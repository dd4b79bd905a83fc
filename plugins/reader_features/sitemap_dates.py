"""Give pelican-sitemap's listing pages a ``lastmod`` from the content, not the build time.

pelican-sitemap writes ``lastmod`` from an article's or page's ``modified``/``date``, and for
every other page (home, sections, tags, archives) the moment the build started, so those values
change on every build and tell crawlers that nothing is ever stable. It has no setting for
this: we set its clock to the newest content date of the run, the time at which any listing
last really changed. Builds of the same content then write the same sitemap.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any


def _when(content: Any) -> dt.datetime | None:
    value = getattr(content, "modified", None) or getattr(content, "date", None)
    return value if isinstance(value, dt.datetime) else None


def newest_content_date(generators: list[Any]) -> dt.datetime | None:
    """Return the newest modified (else published) date of the published articles and pages."""
    dates = []
    for generator in generators:
        for name in ("articles", "translations", "pages"):
            for content in getattr(generator, name, None) or []:
                when = _when(content)
                if when is not None:
                    dates.append(when)
    aware = [d for d in dates if d.tzinfo is not None]
    return max(aware or dates, default=None)


def pin_sitemap_clock(generators: list[Any]) -> None:
    """Set pelican-sitemap's fallback lastmod to the newest content date (if it is loaded)."""
    module = sys.modules.get("pelican.plugins.sitemap.sitemap")
    sitemap = getattr(module, "generator", None)
    newest = newest_content_date(generators)
    if sitemap is not None and newest is not None:
        sitemap.now = newest
