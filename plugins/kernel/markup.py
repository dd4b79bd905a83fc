"""Writers' HTML: what in it could run code or send readers somewhere unsafe.

A Markdown body may carry HTML (a table, a ``<details>``), but nothing in it may run script
or take over the page. ``unsafe_parts(html)`` lists every such thing in a fragment:

- an element that runs, embeds or replaces code or the page (``<script>``, ``<iframe>``,
  ``<object>``, ``<embed>``, ``<base>``, ``<meta>``, ``<link>``, ``<style>``, ``<form>``,
  inline ``<svg>``/``<math>``…);
- an event-handler attribute (``onerror=``, ``onload=``…), ``srcdoc``, or a ``style`` with
  script in it;
- a link or source whose scheme is not allowed: links may use http, https, mailto and tel;
  images and media only http and https (so no ``javascript:``, ``data:``, ``vbscript:`` or
  ``file:``). Entities, case, tabs and control characters are seen through, as browsers do.

The structured check uses the standard library's HTML parser; a second, textual sweep
catches what a browser would parse differently from it (``<scr<script>ipt>``, a tag left
open at the end), so a fragment is only called safe when both agree.
``text_as_html(text)`` turns writer metadata into HTML that shows exactly that text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup, escape

from .text import collapse
from .urls import LINK_SCHEMES, WEB_SCHEMES, scheme_of

ELEMENTS = {
    "script": "a `<script>` element (it runs code)",
    "iframe": "an `<iframe>` (it embeds another page)",
    "frame": "a `<frame>` (it embeds another page)",
    "frameset": "a `<frameset>` (it replaces the page)",
    "object": "an `<object>` (it embeds a program)",
    "embed": "an `<embed>` (it embeds a program)",
    "applet": "an `<applet>` (it embeds a program)",
    "base": "a `<base>` element (it changes where every link goes)",
    "meta": "a `<meta>` element (it can redirect the page)",
    "link": "a `<link>` element (it loads files into the page)",
    "style": "a `<style>` element (it restyles the whole page)",
    "form": "a `<form>` (it sends what readers type somewhere)",
    "input": "a form field (`<input>`)",
    "button": "a `<button>`",
    "textarea": "a form field (`<textarea>`)",
    "select": "a form field (`<select>`)",
    "svg": "inline `<svg>` (it can carry code)",
    "math": "inline `<math>` (it can carry links and code)",
    "portal": "a `<portal>` (it embeds another page)",
    "noscript": "a `<noscript>` element",
    "template": "a `<template>` element",
}
# Attributes holding one URL: links may use LINK_SCHEMES, the rest only the web.
LINK_ATTRIBUTES = frozenset(("href", "xlink:href", "action", "formaction", "cite", "ping"))
SOURCE_ATTRIBUTES = frozenset((
    "src", "data", "poster", "background", "longdesc", "lowsrc", "dynsrc", "codebase",
    "manifest", "icon", "profile",
))  # fmt: skip
_STYLE_SCRIPT = re.compile(r"expression\s*\(|javascript\s*:|vbscript\s*:|behavior\s*:|-moz-binding")
# The textual sweep, on text with entities decoded and whitespace/control characters removed.
_SWEEP_TAG = re.compile(r"<\s*/?\s*(" + "|".join(ELEMENTS) + r")(?=[\s/>]|$)", re.IGNORECASE)
_SWEEP_HANDLER = re.compile(r"<[^>]*[\s\"'/]on[a-z]+\s*=", re.IGNORECASE)
_SWEEP_SCHEME = re.compile(r"(?:java|vb)script:|=\s*[\"']?\s*data:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_TAG_TEXT = re.compile(r"<[^<>]*>?")


@dataclass(frozen=True)
class Unsafe:
    """One unsafe thing in a fragment: what it is (in words) and the text that shows it."""

    what: str
    snippet: str
    line: int | None = None  # in the fragment, from 1


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    if name.startswith("on"):
        return f"an event handler `{name}=` on `<{tag}>` (it runs code)"
    if name == "srcdoc":
        return f"a `srcdoc` attribute on `<{tag}>` (it embeds a page)"
    if name == "style" and _STYLE_SCRIPT.search(_INVISIBLE.sub("", value or "")):
        return f"a `style` attribute with script in it on `<{tag}>`"
    allowed = LINK_SCHEMES if name in LINK_ATTRIBUTES else WEB_SCHEMES
    if name in LINK_ATTRIBUTES or name in SOURCE_ATTRIBUTES:
        scheme = scheme_of(value or "")
        if scheme is not None and scheme not in allowed:
            return f"a `{scheme}:` address in `{name}=` on `<{tag}>`"
    if name == "srcset":
        for candidate in (value or "").split(","):
            scheme = scheme_of(candidate.strip().split(" ", 1)[0])
            if scheme is not None and scheme not in WEB_SCHEMES:
                return f"a `{scheme}:` address in `srcset=` on `<{tag}>`"
    return None


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unsafe] = []

    def _snippet(self) -> str:
        return collapse(self.get_starttag_text() or "")[:160]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in ELEMENTS:
            self.found.append(Unsafe(ELEMENTS[tag], self._snippet(), line))
        for name, value in attrs:
            why = _attribute_problem(tag, name.lower(), value or "")
            if why:
                self.found.append(Unsafe(why, self._snippet(), line))

    handle_startendtag = handle_starttag


def sweep(fragment: str) -> list[Unsafe]:
    """Return what a textual look finds: code a browser would see in broken markup.

    Tags and handlers are looked for in the markup as written (escaped text such as
    ``&lt;script&gt;`` is text, not a tag); addresses inside tags with entities decoded.
    """
    found = []
    for number, raw in enumerate(fragment.splitlines() or [""], start=1):
        spaced = _INVISIBLE.sub(" ", raw)
        tags = " ".join(_INVISIBLE.sub("", html.unescape(t)) for t in _TAG_TEXT.findall(raw))
        for pattern, what, text in (
            (_SWEEP_TAG, "a `<{0}>` element hidden in broken markup", spaced),
            (_SWEEP_HANDLER, "an event handler hidden in broken markup", spaced),
            (_SWEEP_SCHEME, "a script or data address hidden in the markup", tags),
        ):
            match = pattern.search(text)
            if match:
                name = match.group(1).lower() if match.groups() else ""
                start = max(0, match.start() - 20)
                snippet = collapse(text[start : match.end() + 40])
                found.append(Unsafe(what.format(name), snippet, number))
    # A tag spread over lines: check the whole fragment too (no line then).
    if not found:
        whole = _INVISIBLE.sub(" ", fragment)
        match = _SWEEP_HANDLER.search(whole) or _SWEEP_TAG.search(whole)
        if match:
            found.append(Unsafe("code hidden in broken markup", collapse(match.group(0))[:160]))
    return found


def unsafe_parts(fragment: object, *, textual: bool = True) -> list[Unsafe]:
    """Return everything in an HTML fragment that could run code or leave the site unsafely.

    ``textual=False`` skips the textual sweep (a caller that checks Markdown link syntax
    itself sweeps the lines it did not already flag, with ``sweep``).
    """
    text = str(fragment or "")
    if "<" not in text and ":" not in text:
        return []
    finder = _Finder()
    finder.feed(text)
    finder.close()
    found = finder.found
    if not found and textual:
        found = sweep(text)
    return found


class _RemoteFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unsafe] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ELEMENTS:  # already unsafe on its own (`unsafe_parts` names it)
            return
        for raw_name, value in attrs:
            name = raw_name.lower()
            if name in SOURCE_ATTRIBUTES:
                candidates = [value or ""]
            elif name == "srcset":
                candidates = [c.strip().split(" ", 1)[0] for c in (value or "").split(",")]
            else:
                continue
            for candidate in candidates:
                if is_remote(candidate):
                    snippet = collapse(self.get_starttag_text() or "")[:160]
                    self.found.append(Unsafe(candidate.strip(), snippet, self.getpos()[0]))
                    break

    handle_startendtag = handle_starttag


def is_remote(address: str) -> bool:
    """Return whether a browser would fetch ``address`` from another host.

    ``https://host/x`` and ``//host/x`` are; a path, ``{static}/x`` or a fragment is not.
    """
    value = html.unescape(str(address or "")).strip()
    return value.startswith(("//", "\\\\")) or scheme_of(value) in WEB_SCHEMES


def remote_sources(fragment: object) -> list[Unsafe]:
    """Return each element of a fragment that would load a file from another host.

    ``Unsafe.what`` is the address. Such a page makes a request to a third party, which
    the site's promise (and its Content-Security-Policy, ``img-src 'self'``) forbids.
    """
    text = str(fragment or "")
    if "<" not in text:
        return []
    finder = _RemoteFinder()
    finder.feed(text)
    finder.close()
    return finder.found


def text_as_html(text: object) -> Markup:
    """Return writer text as HTML that shows exactly that text (whitespace collapsed).

    For a field Pelican hands to templates and feeds as HTML (``summary``): ``<script>``
    written in it is shown as written and never runs; templates need no ``|safe``.
    """
    if isinstance(text, Markup):
        return text
    return escape(collapse(str(text or "")))
