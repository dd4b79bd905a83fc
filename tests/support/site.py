"""The deploy tests' tiny site, snapshots of a target, and "is every page really served"."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from tools.deploy.plan import COMPRESSED_SUFFIXES, cache_control, content_type

from .servers import REPO

FIXTURE = REPO / "tests" / "fixtures" / "deploy"
FIXTURE_CONFIG = FIXTURE / "publishconf.py"

# The headers plugins/tools/deploy/README.md promises on every response of the nginx target.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
# Files of the build that configure servers; nginx must never serve them.
SERVER_FILES = {"redirects.nginx.map", "_redirects"}
# Content types nginx and the s3 target must agree on exactly.
CHECKED_TYPES = ("text/html", "application/atom", "application/rss", "application/json", "image/")


def copy_fixture(destination: Path) -> Path:
    """Copy the tiny deploy fixture site's content/ so a test can change it."""
    shutil.copytree(FIXTURE / "content", destination)
    return destination


def snapshot(root: Path) -> dict[str, tuple]:
    """Return every path under ``root`` with its kind, inode, size, mtime and link target."""
    result: dict[str, tuple] = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        link = str(path.readlink()) if path.is_symlink() else ""
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        result[path.relative_to(root).as_posix()] = (
            stat.st_mode,
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
            link,
            hashlib.sha256(data).hexdigest(),
        )
    return result


def url_of(rel: str) -> str:
    """Return the URL path nginx serves an output file at: ``a/index.html`` -> ``/a/``."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def check_headers(rel: str, status: int, headers, required: dict | None = None) -> list[str]:
    """Return what is wrong with the headers nginx sent for one output file."""
    problems = []
    for name, value in {**SECURITY_HEADERS, **(required or {})}.items():
        if headers.get(name) != value:
            problems.append(f"{rel}: {name} is {headers.get(name)!r}, not {value!r}")
    csp = headers.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp:
        problems.append(f"{rel}: Content-Security-Policy missing or loose: {csp!r}")
    if "camera=()" not in headers.get("Permissions-Policy", ""):
        problems.append(f"{rel}: Permissions-Policy missing")
    if status == 200:
        expected, got = cache_control(rel), headers.get("Cache-Control")
        if got != expected:
            problems.append(f"{rel}: Cache-Control {got!r} != {expected!r}")
        ctype = content_type(rel)
        if ctype.startswith(CHECKED_TYPES):
            got = (headers.get("Content-Type") or "").replace(" ", "").lower()
            if got != ctype.replace(" ", "").lower():
                problems.append(f"{rel}: Content-Type {got!r} != {ctype!r}")
    return problems


def assert_site_served(nginx, root: Path, required: dict | None = None) -> int:
    """Assert every file of the live release answers as promised; return files checked.

    Pages and files answer 200 with the security headers and the Cache-Control and
    Content-Type of plugins/tools/deploy/plan.py (the s3 target's policy, so both targets
    agree); aliases answer 301 to their new URL; server configuration files answer 404.
    ``required`` adds headers every answer must carry (e.g. HSTS over HTTPS).
    """
    manifest = json.loads((root / "published-urls.json").read_text(encoding="utf-8"))
    redirects = manifest.get("redirects", {})
    problems: list[str] = []
    checked = 0
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel.endswith(COMPRESSED_SUFFIXES):
            continue
        url = url_of(rel)
        status, headers, _ = nginx.get(quote(url))
        checked += 1
        if rel in SERVER_FILES:
            if status != 404:
                problems.append(f"{url}: server file answered {status}, not 404")
            problems += check_headers(rel, status, headers, required)
            continue
        if url in redirects:
            location = headers.get("Location", "")
            if status != 301 or not location.endswith(redirects[url]):
                problems.append(f"{url}: {status} {location!r}, not 301 to {redirects[url]}")
            problems += check_headers(rel, status, headers, required)
            continue
        if status != 200:
            problems.append(f"{url}: {status}")
            continue
        problems += check_headers(rel, status, headers, required)
    assert not problems, "\n".join(problems)
    return checked


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@localhost", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def git_checkouts(root: Path, names: tuple[str, ...] = ("a", "b")) -> dict[str, Path]:
    """Clone one repository holding the fixture content into ``root/<name>`` for each name.

    Returns the checkouts' ``content/`` folders: real, independent git clones of one commit,
    like two publishers' machines.
    """
    root.mkdir(parents=True, exist_ok=True)
    origin = root / "origin.git"
    _git("init", "-q", "--bare", "-b", "main", str(origin), cwd=root)
    seed = root / "seed"
    seed.mkdir()
    _git("init", "-q", "-b", "main", cwd=seed)
    copy_fixture(seed / "content")
    _git("add", "-A", cwd=seed)
    _git("commit", "-q", "-m", "Site", cwd=seed)
    _git("push", "-q", str(origin), "main", cwd=seed)
    result = {}
    for name in names:
        _git("clone", "-q", str(origin), str(root / name), cwd=root)
        result[name] = root / name / "content"
    return result


def add_article(content: Path, slug: str, title: str, commit: bool = True) -> str:
    """Write (and commit) a new First aid article; return its URL path."""
    path = content / "articles" / "first-aid" / f"{slug}.md"
    path.write_text(
        f"Title: {title}\nDate: 2026-02-01 09:00\nCategory: First aid\nSlug: {slug}\n"
        f"Summary: {title}.\n\n{title} in a few steps.\n",
        encoding="utf-8",
    )
    if commit:
        _git("add", "-A", cwd=content.parent)
        _git("commit", "-q", "-m", f"Add {slug}", cwd=content.parent)
    return f"/first-aid/{slug}/"
