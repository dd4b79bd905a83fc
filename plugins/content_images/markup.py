"""What the theme and the Markdown extension render for one planned image: plain data."""

from __future__ import annotations

import xml.etree.ElementTree as etree  # noqa: N813 - Markdown's own idiom
from typing import Any

from content_images.derivatives import Plan


def picture(plan: Plan, base_url: str, sizes: str) -> dict[str, Any]:
    """Return ``{"sources": [{"type", "srcset"}], "src", "srcset", "width", "height", "sizes"}``."""

    def srcset(fmt: str) -> str:
        return ", ".join(f"{base_url}/{c.name} {c.width}w" for c in plan.copies[fmt])

    largest = plan.largest()
    return {
        "sources": [
            {"type": plan.largest(fmt).mime, "srcset": srcset(fmt)} for fmt in plan.modern()
        ],
        "src": f"{base_url}/{largest.name}",
        "srcset": srcset(plan.fallback),
        "width": largest.width,
        "height": largest.height,
        "sizes": sizes,
    }


def picture_element(data: dict[str, Any], img: etree.Element, *, lazy: bool) -> etree.Element:
    """Return a <picture> for Markdown's tree, keeping the writer's alt, title and class."""
    element = etree.Element("picture")
    for source in data["sources"]:
        etree.SubElement(
            element,
            "source",
            {"type": source["type"], "srcset": source["srcset"], "sizes": data["sizes"]},
        )
    attrs = {key: value for key, value in img.attrib.items() if key in {"alt", "title", "class"}}
    attrs.setdefault("alt", "")
    attrs.update(
        src=data["src"],
        srcset=data["srcset"],
        sizes=data["sizes"],
        width=str(data["width"]),
        height=str(data["height"]),
        decoding="async",
    )
    if lazy:
        attrs["loading"] = "lazy"
    etree.SubElement(element, "img", attrs)
    element.tail = img.tail
    return element
