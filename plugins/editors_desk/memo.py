"""What the desk remembers between builds: parsed page heads and the rows each page shows.

A 3,000-article site means 3,000 heads to parse and 3,000 desk pages to render on every build,
though a rebuild usually changes a handful. The desk keeps (in ``CACHE_PATH/editors_desk/``)
the tags of each head, by a hash of its bytes, and a hash of each row it rendered, with the
desk's own templates; a page whose row is unchanged is left as it is on disk. The page then
keeps the time of the build that last changed it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from kernel import files

from . import crawl

FILE = "memo.json"
VERSION = 2  # 2: each head's tags as one JSON text


def _plain(value: Any) -> Any:
    """Make a row JSON-ready for hashing: dataclasses, dates, problems, anything else by repr."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Its fields, one level: json asks again for nested ones (asdict deep-copies, slowly).
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    return repr(value)


def _is_tag(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value)


def folder_digest(*folders: Path) -> str:
    """Return a hash of every file under the folders (the desk's templates and assets)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class DeskMemo:
    """Heads by hash and rows by desk slug, from the last build, and this build's."""

    def __init__(self, cache_path: str | os.PathLike | None, templates: str) -> None:
        self.file = Path(cache_path) / "editors_desk" / FILE if cache_path else None
        self.templates = templates
        # Each head's tags as one JSON text: a site's heads as lists of lists were ~6 KB a
        # page in memory for the whole desk build; one text a page is half, and loads faster.
        self.heads: dict[str, str] = {}
        self.rows: dict[str, str] = {}
        self.used_heads: dict[str, str] = {}
        self.used_rows: dict[str, str] = {}
        if self.file is not None:
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(self.file.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == VERSION:
                    self.heads = data.get("heads") or {}
                    if data.get("templates") == templates:
                        self.rows = data.get("rows") or {}

    def head(self, page: Path) -> list[crawl.Tag]:
        """Return the crawler-visible tags of a written page ([] when it is not written)."""
        try:
            data = page.read_bytes()[: crawl.HEAD_BYTES]
        except OSError:
            return []
        end = data.find(b"</head>")
        head = data if end < 0 else data[: end + len(b"</head>")]
        key = hashlib.blake2b(head, digest_size=16).hexdigest()
        kept = self.heads.get(key)
        found = None
        if isinstance(kept, str):
            with contextlib.suppress(ValueError):
                tags = json.loads(kept)
                if isinstance(tags, list) and all(_is_tag(tag) for tag in tags):
                    found = [crawl.Tag(*tag) for tag in tags]
        if found is None:  # not kept, or a damaged entry: parse the head again
            found = crawl.read_head(head.decode("utf-8", "replace"))
            kept = json.dumps([dataclasses.astuple(tag) for tag in found], ensure_ascii=False)
        self.used_heads[key] = kept
        return found

    def unchanged(self, slug: str, row: dict[str, Any], page: Path) -> bool:
        """Return whether the page on disk already shows this row (and remember the row)."""
        text = json.dumps(row, sort_keys=True, default=_plain, ensure_ascii=False)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
        self.used_rows[slug] = digest
        return self.rows.get(slug) == digest and page.is_file()

    def save(self) -> None:
        """Keep this build's heads and rows for the next build."""
        if self.file is None:
            return
        data = {"version": VERSION, "templates": self.templates, "heads": self.used_heads,
                "rows": self.used_rows}  # fmt: skip
        with contextlib.suppress(OSError), files.replaced(self.file) as handle:
            json.dump(data, handle, ensure_ascii=False)
