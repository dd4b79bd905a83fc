"""What a deploy will do (uploads, changes, removals) and the HTTP header policy per file."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

# Long and immutable: the URL changes whenever the bytes change (hashed names, card images).
CACHE_LONG = "public, max-age=31536000, immutable"
# HTML, feeds, manifests: readers must see corrections within minutes.
CACHE_SHORT = "public, max-age=300, must-revalidate"
# Other files whose names do not change with their content (un-hashed images, robots.txt).
CACHE_MEDIUM = "public, max-age=3600"

# "main.3f9a1c2b.css", "logo-3f9a1c2b7d.png", "app.3f9a1c2b7d4e.min.js": 8+ hex digits.
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}(\.min)?\.[A-Za-z0-9]+$")
# Pages, feeds and manifests: the same suffixes as the nginx map in deploy/nginx.conf.
SHORT_NAME = re.compile(r"\.(html|xml|json|atom|rss)$")
COMPRESSED_SUFFIXES = (".gz", ".br", ".zst")

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".map": "text/plain; charset=utf-8",
}


def content_type(rel: str) -> str:
    """Return the Content-Type for an output file (feeds get their specific types)."""
    name = rel.rsplit("/", 1)[-1].lower()
    # With a charset, as nginx's charset_types sends them (deploy/sharewell-site.conf).
    if name.endswith((".atom.xml", ".atom")):
        return "application/atom+xml; charset=utf-8"
    if name.endswith((".rss.xml", ".rss")):
        return "application/rss+xml; charset=utf-8"
    if name == "_redirects":
        return "text/plain; charset=utf-8"
    suffix = Path(name).suffix
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def cache_control(rel: str, keep_prefixes: list[str] | tuple[str, ...] = ("og/",)) -> str:
    """Return the Cache-Control for an output file: long for hashed files, short for HTML."""
    name = rel.rsplit("/", 1)[-1]
    if any(rel.startswith(p) for p in keep_prefixes) or HASHED_NAME.search(name):
        return CACHE_LONG
    if SHORT_NAME.search(name) or name == "_redirects":
        return CACHE_SHORT
    return CACHE_MEDIUM


def site_files(output: Path, compressed: bool = True) -> dict[str, Path]:
    """Map output-relative POSIX paths to files; ``compressed=False`` skips .gz/.br/.zst twins."""
    files: dict[str, Path] = {}
    for path in sorted(output.rglob("*")):
        if path.is_file() and (compressed or not path.name.endswith(COMPRESSED_SUFFIXES)):
            files[path.relative_to(output).as_posix()] = path
    return files


def md5_file(path: Path) -> str:
    """Return the hex MD5 of a file (what S3 reports as the ETag of a single-part upload)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def git_blob_sha(path: Path) -> str:
    """Return the git blob id of a file (what ``git ls-tree`` shows), without running git."""
    data = path.read_bytes()
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def is_kept(rel: str, keep_prefixes: list[str]) -> bool:
    """Return True for paths no target may delete (card images shared on social networks)."""
    return any(rel.startswith(prefix) for prefix in keep_prefixes)


@dataclass
class Plan:
    """The difference between the built site and the target."""

    target: str
    destination: str
    upload: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        """Return True when the target already matches the build."""
        return not (self.upload or self.change or self.remove)

    @classmethod
    def compare(
        cls,
        target: str,
        destination: str,
        local: dict[str, str],
        remote: dict[str, str],
        keep_prefixes: list[str],
    ) -> Plan:
        """Build a plan from two ``{path: fingerprint}`` maps."""
        plan = cls(target, destination)
        for rel, digest in sorted(local.items()):
            if rel not in remote:
                plan.upload.append(rel)
            elif remote[rel] != digest:
                plan.change.append(rel)
            else:
                plan.unchanged += 1
        for rel in sorted(set(remote) - set(local)):
            (plan.keep if is_kept(rel, keep_prefixes) else plan.remove).append(rel)
        return plan

    def summary(self) -> str:
        """Return a one-line summary."""
        return (
            f"{len(self.upload)} new, {len(self.change)} changed, {len(self.remove)} removed, "
            f"{len(self.keep)} kept (never deleted), {self.unchanged} unchanged"
        )

    def render(self, console, limit: int = 200) -> None:
        """Print the plan as a rich table (at most ``limit`` rows)."""
        from rich.table import Table

        table = Table(title=f"{self.target} → {self.destination}", show_lines=False)
        table.add_column("action")
        table.add_column("path", overflow="fold")
        rows = (
            [("upload", "green", p) for p in self.upload]
            + [("change", "yellow", p) for p in self.change]
            + [("remove", "red", p) for p in self.remove]
            + [("keep", "cyan", p) for p in self.keep]
        )
        for action, colour, path in rows[:limit]:
            table.add_row(f"[{colour}]{action}[/]", path)
        if len(rows) > limit:
            table.add_row("…", f"{len(rows) - limit} more")
        if rows:
            console.print(table)
        console.print(self.summary())
