"""Link-preview truncation as pure functions: what each network shows of a title and description.

CSS ``line-clamp`` would hide the overflow but never tell the writer *where* the cut falls,
so the visible text is computed here, in Python, from documented per-network limits.

A limit is either ``Fit(lines=N, width=W)`` — greedy word wrap into at most N lines of W
columns, the last visible line ending in "…" when text is left over — or ``Fit(chars=N)``,
a plain character cap cut at a word boundary. Columns count East Asian wide characters
and most emoji as 2 and combining marks as 0, as the apps' proportional fonts roughly do.

Defaults (``DEFAULT_RULES``; override any part with ``EDITORS_DESK_PREVIEW_RULES``):

==========  =====================================  ==================================
network     title                                  description
==========  =====================================  ==================================
x           not shown (image + domain only since   not shown; ``twitter:title`` limit
            October 2023; guide: title limit 70)   is 200 characters (guide)
facebook    2 lines × 44 columns (feed, ~500 px)   1 line × 60 columns
linkedin    2 lines × 50 columns                   not shown in the feed
whatsapp    bold, at most 2 lines × 36 (guide)     ~80 characters (guide)
slack       2 lines × 60 columns                   3 lines × 60 columns
imessage    2 lines × 32 columns (bubble)          not shown
bluesky     2 lines × 45 columns                   2 lines × 50 columns
==========  =====================================  ==================================

The X and WhatsApp rules come from ``shared/guides/link-previews.md``; the others are
measured from each app's default layout at its usual width and are approximations: the
desk errs on cutting slightly early, so the writer is never surprised by a later cut.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

ELLIPSIS = "…"
_TRAILING = " ,;:.-–—"


def columns(text: str) -> int:
    """Return the display width of text: wide/fullwidth characters 2, combining marks 0."""
    if text.isascii():  # every ASCII character is one column (most titles, on every wrap)
        return len(text)
    width = 0
    joined = False
    for char in text:
        if joined or unicodedata.combining(char) or char in "\u200d\ufe0f":
            joined = char == "\u200d"  # a zero-width joiner glues the next emoji to this one
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _split_word(word: str, width: int) -> list[str]:
    """Break a word wider than ``width`` columns into pieces that fit."""
    pieces, current = [], ""
    for char in word:
        if current and columns(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap into lines of at most ``width`` columns (long words are broken)."""
    lines: list[str] = []
    current = ""
    for word in " ".join((text or "").split()).split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if columns(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if columns(word) > width:
            *full, current = _split_word(word, width)
            lines.extend(full)
        else:
            current = word
    if current:
        lines.append(current)
    return lines


def _with_ellipsis(line: str, width: int) -> str:
    """Return line shortened (at a word if possible) so that line + "…" fits ``width``."""
    line = line.rstrip(_TRAILING)
    while line and columns(line) + 1 > width:
        cut = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
        line = cut.rstrip(_TRAILING)
    return line + ELLIPSIS


@dataclass(frozen=True)
class Clamp:
    """The visible part of a text: its lines, joined text, and whether anything was cut."""

    lines: tuple[str, ...]
    truncated: bool
    original: str

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def hidden(self) -> int:
        """Return roughly how many characters readers will not see."""
        shown = len(self.text.removesuffix(ELLIPSIS)) if self.truncated else len(self.text)
        return max(0, len(" ".join(self.original.split())) - shown)


def clamp_lines(text: str, width: int, lines: int) -> Clamp:
    """Return the text visible in ``lines`` lines of ``width`` columns, "…" marking a cut."""
    if width < 2 or lines < 1:
        raise ValueError(f"clamp_lines needs width >= 2 and lines >= 1, not {width}, {lines}")
    wrapped = wrap(text, width)
    if len(wrapped) <= lines:
        return Clamp(tuple(wrapped), False, text or "")
    shown = wrapped[:lines]
    shown[-1] = _with_ellipsis(shown[-1], width)
    return Clamp(tuple(shown), True, text or "")


def cut_chars(text: str, limit: int) -> Clamp:
    """Return text cut to at most ``limit`` characters at a word boundary, ending in "…"."""
    if limit < 2:
        raise ValueError(f"cut_chars needs a limit >= 2, not {limit}")
    clean = " ".join((text or "").split())
    if len(clean) <= limit:
        return Clamp((clean,) if clean else (), False, text or "")
    cut = clean[: limit - 1]
    if " " in cut and not clean[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return Clamp((cut.rstrip(_TRAILING) + ELLIPSIS,), True, text or "")


@dataclass(frozen=True)
class Fit:
    """A limit: ``lines`` × ``width`` columns, or ``chars`` characters."""

    lines: int | None = None
    width: int | None = None
    chars: int | None = None

    def apply(self, text: str) -> Clamp:
        """Return what readers see of text under this limit."""
        if self.chars is not None:
            return cut_chars(text, self.chars)
        return clamp_lines(text, self.width or 40, self.lines or 1)

    def describe(self) -> str:
        """Return the limit in words, e.g. "2 lines × 44 characters"."""
        if self.chars is not None:
            return f"{self.chars} characters"
        plural = "line" if self.lines == 1 else "lines"
        return f"{self.lines} {plural} × {self.width} characters"


@dataclass(frozen=True)
class Rule:
    """How one network lays out a link preview."""

    key: str
    label: str
    title: Fit | None
    description: Fit | None
    domain_upper: bool = False
    site_name: bool = False
    image_only: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


DEFAULT_RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        Rule("x", "X", None, None, image_only=True,
             note="Since October 2023 X shows only the image (cropped to 2:1) and the domain: "
                  "put the headline in the post text, never only in the image."),
        Rule("facebook", "Facebook", Fit(lines=2, width=44), Fit(lines=1, width=60),
             domain_upper=True, note="Facebook reads og:title, og:description and og:image."),
        Rule("linkedin", "LinkedIn", Fit(lines=2, width=50), None,
             note="LinkedIn reads only og:* tags and shows no description in the feed."),
        Rule("whatsapp", "WhatsApp", Fit(lines=2, width=36), Fit(chars=80),
             note="Bold title, 2 lines at most; the first 80 characters of the description "
                  "must stand alone."),
        Rule("slack", "Slack", Fit(lines=2, width=60), Fit(lines=3, width=60), site_name=True,
             note="Slack shows the site name, the title as a link, the description and the image."),
        Rule("imessage", "iMessage", Fit(lines=2, width=32), None,
             note="Messages shows the image at varying sizes, the title and the domain."),
        Rule("bluesky", "Bluesky", Fit(lines=2, width=45), Fit(lines=2, width=50),
             note="Bluesky shows the image, title, description and the domain."),
    )
}  # fmt: skip


def rules_from_settings(overrides: dict[str, dict[str, Any]] | None) -> dict[str, Rule]:
    """Return DEFAULT_RULES with ``{"network": {"title": {"lines": 2, "width": 40}}}`` applied.

    Raises ValueError naming the network and part for an unknown network or a bad limit.
    """
    rules = dict(DEFAULT_RULES)
    for key, change in (overrides or {}).items():
        if key not in rules or not isinstance(change, dict):
            raise ValueError(
                f"EDITORS_DESK_PREVIEW_RULES[{key!r}]: unknown network or not a dict "
                f"(networks: {', '.join(DEFAULT_RULES)})"
            )
        parts: dict[str, Any] = {}
        for part in ("title", "description"):
            if part not in change:
                continue
            spec = change[part]
            if spec is None:
                parts[part] = None
                continue
            ok = isinstance(spec, dict) and set(spec) <= {"lines", "width", "chars"}
            ok = ok and all(isinstance(v, int) and not isinstance(v, bool) for v in spec.values())
            if ok and "chars" in spec:
                ok = spec["chars"] >= 2 and len(spec) == 1
            elif ok:
                ok = spec.get("lines", 0) >= 1 and spec.get("width", 0) >= 2
            if not ok:
                raise ValueError(
                    f"EDITORS_DESK_PREVIEW_RULES[{key!r}][{part!r}] must be "
                    f"{{'lines': N, 'width': W}} or {{'chars': N}}, not {spec!r}"
                )
            parts[part] = Fit(**spec)
        rules[key] = replace(rules[key], **parts)
    return rules


def domain_of(url: str) -> str:
    """Return the host of a URL without "www." (how the apps print it)."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class Preview:
    """One network's mock-up data: the visible title/description and what was cut."""

    rule: Rule
    domain: str
    site_name: str
    title: Clamp | None
    description: Clamp | None

    @property
    def truncated(self) -> bool:
        return any(part is not None and part.truncated for part in (self.title, self.description))


def preview(
    rule: Rule,
    *,
    title: str,
    description: str,
    url: str,
    site_name: str = "",
    domain: str | None = None,
) -> Preview:
    """Return what ``rule``'s network shows of a link preview (``domain`` overrides url's)."""
    domain = domain or domain_of(url)
    return Preview(
        rule=rule,
        domain=domain.upper() if rule.domain_upper else domain,
        site_name=site_name if rule.site_name else "",
        title=rule.title.apply(title) if rule.title and title else None,
        description=rule.description.apply(description)
        if rule.description and description
        else None,
    )


def previews(
    rules: dict[str, Rule],
    *,
    title: str,
    description: str,
    url: str,
    site_name: str = "",
    domain: str | None = None,
) -> list[Preview]:
    """Return every network's preview, in the rules' order."""
    return [
        preview(
            rule, title=title, description=description, url=url, site_name=site_name, domain=domain
        )
        for rule in rules.values()
    ]
