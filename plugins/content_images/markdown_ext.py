"""A Python-Markdown extension: body images become responsive ``<picture>`` elements.

``![A burn being cooled under a tap]({static}/images/burn.jpg)`` renders as a ``<picture>`` with
AVIF/WebP sources, a JPEG or PNG fallback ``<img>`` with ``srcset``, ``sizes``, its real
``width``/``height`` (no layout shift), ``loading="lazy"`` and ``decoding="async"``. Images it
cannot plan (another site's, SVG, a missing file) keep their ``<img>`` and get the lazy loading.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813 - Markdown's own idiom
from collections.abc import Callable
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from content_images.markup import picture_element

PictureFor = Callable[[str], dict[str, Any] | None]


class PictureTreeprocessor(Treeprocessor):
    """Replace each ``<img>`` of the document with a ``<picture>``."""

    def __init__(self, md: Markdown, picture_for: PictureFor) -> None:
        super().__init__(md)
        self.picture_for = picture_for

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            parent = parents.get(img)
            if parent is None or parent.tag == "picture":
                continue
            data = self.picture_for(img.get("src", ""))
            if data is None:
                img.set("loading", "lazy")
                img.set("decoding", "async")
                continue
            index = list(parent).index(img)
            parent.remove(img)
            parent.insert(index, picture_element(data, img, lazy=True))


class ContentImagesExtension(Extension):
    """Python-Markdown extension: responsive pictures for content images."""

    def __init__(self, picture_for: PictureFor, **kwargs: Any) -> None:
        self.picture_for = picture_for
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API name
        md.registerExtension(self)
        # After inline processing (20, which makes the <img>), before prettify (10).
        md.treeprocessors.register(PictureTreeprocessor(md, self.picture_for), "content_images", 14)
