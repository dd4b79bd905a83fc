"""The Markdown metadata header, read exactly as Pelican reads it, with line numbers.

Pelican's Markdown reader takes metadata from Python-Markdown's ``meta`` extension: an
optional ``---`` line, then ``key: value`` lines (up to 3 spaces before the key; keys of
letters, digits, ``_`` and ``-``), continuation lines indented by 4 or more spaces, ending at
the first blank line, a ``---``/``...`` line, or any other line, which becomes body text.
``read_header`` follows the same rules (so it never disagrees with Pelican about what the
header is) and also says *why* the header ended, so a writer hears about a stray blank line
or a 2-space indent before ``image:`` turns up as text on the live page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The same patterns as markdown.extensions.meta.
META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN = re.compile(r"^-{3}(\s.*)?")
END = re.compile(r"^(-{3}|\.{3})(\s.*)?")
BOM = "\ufeff"
# What a writer meant as metadata but Markdown will not read as such.
_SPACED_KEY = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9_ -]*?)\s*:\s+\S")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass
class Field:
    """One metadata key: its value lines and the line number of each."""

    key: str
    raw_key: str
    values: list[str]
    lines: list[int]

    @property
    def value(self) -> str:
        """Return the value as Pelican joins a formatted field: lines joined by newlines."""
        return "\n".join(self.values)

    @property
    def line(self) -> int:
        return self.lines[0]


@dataclass(frozen=True)
class HeaderIssue:
    """Something about the header as written that would lose or misplace a writer's text."""

    line: int
    field: str
    problem: str
    fix: str


@dataclass
class Header:
    """A file's metadata header: fields by lower-case key, where the body starts, and issues."""

    fields: dict[str, Field] = field(default_factory=dict)
    body_start: int = 1  # first line number of the body
    ended_by: str = "end of file"
    issues: list[HeaderIssue] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    had_bom: bool = False

    def get(self, key: str, default: str | None = None) -> str | None:
        """Return a field's value (lines joined), or ``default``."""
        found = self.fields.get(key)
        return found.value if found else default

    def first(self, key: str, default: str | None = None) -> str | None:
        """Return a field's first line, as Pelican keeps a single-valued key."""
        found = self.fields.get(key)
        return found.values[0] if found else default

    def line_of(self, key: str, index: int = 0) -> int | None:
        """Return the line of a key (``index``: of its n-th value line), or None."""
        found = self.fields.get(key)
        if found is None:
            return None
        return found.lines[min(index, len(found.lines) - 1)]

    def line_map(self) -> dict[str, list[tuple[int, str]]]:
        """Return {key: [(line number, value line), ...]} for every field."""
        return {k: list(zip(f.lines, f.values, strict=True)) for k, f in self.fields.items()}

    def as_metadata(self) -> dict[str, str | list[str]]:
        """Return {key: value} as Pelican's reader hands it over: a list for multi-line values."""
        return {k: f.values if len(f.values) > 1 else f.values[0] for k, f in self.fields.items()}

    @property
    def values(self) -> dict[str, str]:
        """Return {key: value} for every field."""
        return {key: f.value for key, f in self.fields.items()}

    def __contains__(self, key: str) -> bool:
        return key in self.fields


def strip_bom(text: str) -> str:
    """Return text without a leading byte-order mark (Pelican strips it too)."""
    return text[1:] if text.startswith(BOM) else text


def read_header(text: str, known_keys: frozenset[str] | set[str] = frozenset()) -> Header:
    """Parse the metadata header of Markdown ``text`` as Pelican does, with diagnostics.

    ``known_keys`` (lower case) lets the diagnostics recognise metadata that ended up in the
    body after a blank line or a wrong indent.
    """
    header = Header(had_bom=text.startswith(BOM))
    lines = strip_bom(text).splitlines()
    index = 0
    if lines and BEGIN.match(lines[0]):
        index = 1
    current: Field | None = None
    while index < len(lines):
        line = lines[index]
        number = index + 1
        meta = META_LINE.match(line)
        if not line.strip() or END.match(line):
            header.ended_by = "blank line" if not line.strip() else "end marker"
            index += 1
            break
        if meta:
            key = meta["key"].lower().strip()
            value = meta["value"].strip()
            if key in header.fields:
                header.duplicates.setdefault(key, [header.fields[key].line]).append(number)
                header.fields[key].values.append(value)
                header.fields[key].lines.append(number)
            else:
                header.fields[key] = Field(key, meta["key"], [value], [number])
            current = header.fields[key]
        else:
            more = META_MORE.match(line)
            if more and current is not None:
                current.values.append(more["value"].strip())
                current.lines.append(number)
            else:
                header.ended_by = "other line"
                break
        index += 1
    header.body_start = index + 1
    _diagnose(header, lines, index, known_keys)
    return header


def _looks_like_metadata(line: str) -> bool:
    return bool(META_LINE.match(line) or _SPACED_KEY.match(line) or line.startswith(" "))


def _diagnose(header: Header, lines: list[str], end: int, known: frozenset[str] | set[str]) -> None:
    """Find metadata the writer meant but Markdown will treat as body text."""
    issues = header.issues
    for key, numbers in header.duplicates.items():
        if key in ("tags", "author", "authors", "sources", "aliases"):
            continue  # lists may be written on several lines
        issues.append(
            HeaderIssue(
                numbers[1], key,
                f"`{key}` is given twice (lines {', '.join(map(str, numbers))}); "
                "only the first is used",
                f"keep one `{key}:` line",
            )
        )  # fmt: skip
    if header.ended_by == "other line" and end < len(lines):
        _explain_stop(header, lines[end], end + 1, known)
    # The "header zone": blank lines and metadata-shaped lines right after the header.
    blank_at = end if header.ended_by == "blank line" else None
    stray: list[tuple[int, str]] = []
    for offset, line in enumerate(lines[end:], start=end + 1):
        if not line.strip():
            continue
        if _FENCE.match(line) or not _looks_like_metadata(line):
            break
        meta = META_LINE.match(line) or _SPACED_KEY.match(line)
        if meta is None:
            continue  # an indented line: a continuation of the key before it
        key = meta["key"].strip().lower().replace(" ", "_").replace("-", "_")
        if key not in known:
            break  # "Note: …" is prose; the zone is only what is plainly metadata
        stray.append((offset, key))
    if stray and blank_at is not None:
        keys = ", ".join(f"`{k}` (line {n})" for n, k in stray)
        issues.append(
            HeaderIssue(
                blank_at, "header",
                f"a blank line at line {blank_at} ends the metadata header, so {keys} "
                "would appear as text on the page",
                f"remove the blank line at line {blank_at}: metadata lines must follow each other",
            )
        )  # fmt: skip
    elif stray and header.ended_by != "blank line":
        for number, key in stray:
            issues.append(
                HeaderIssue(
                    number, key,
                    f"`{key}:` at line {number} is after the end of the metadata header, so it "
                    "would appear as text on the page",
                    "move it up into the header (the lines at the top of the file, before the "
                    "first blank line)",
                )
            )  # fmt: skip
    _body_keys(header, lines, known, {n for n, _ in stray})


def _explain_stop(header: Header, line: str, number: int, known: frozenset[str] | set[str]) -> None:
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if 0 < indent < 4 or line.startswith("\t"):
        header.issues.append(
            HeaderIssue(
                number, "header",
                f"line {number} is indented by {indent or 'a tab'}"
                f"{' space' if indent == 1 else ' spaces' if indent else ''}: a continuation "
                "line needs exactly 4 spaces, so the header ends here and the rest becomes text",
                "indent continuation lines (e.g. further `sources`) by 4 spaces",
            )
        )  # fmt: skip
        return
    spaced = _SPACED_KEY.match(line)
    if spaced and (" " in spaced["key"].strip()):
        key = spaced["key"].strip()
        suggestion = re.sub(r"[\s-]+", "_", key.lower())
        header.issues.append(
            HeaderIssue(
                number, suggestion if suggestion in known else key,
                f"metadata key `{key}` contains a space, so the header ends at line {number} "
                "and the lines after it become text",
                f"write it as `{suggestion}:`",
            )
        )  # fmt: skip


def _body_keys(
    header: Header, lines: list[str], known: frozenset[str] | set[str], seen: set[int]
) -> None:
    """Flag ``image_alt:``-style lines (known keys with an underscore) anywhere in the body."""
    in_fence = False
    for number, line in enumerate(lines[header.body_start - 1 :], start=header.body_start):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or number in seen:
            continue
        match = re.match(r"^(?P<key>[a-z][a-z0-9]*_[a-z0-9_]+):\s", line)
        if match and match["key"] in known:
            header.issues.append(
                HeaderIssue(
                    number, match["key"],
                    f"`{match['key']}:` at line {number} is in the body, not the metadata header, "
                    "so it would appear as text on the page",
                    "move it up into the header at the top of the file",
                )
            )  # fmt: skip
