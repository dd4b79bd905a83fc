"""Build the site for publishing: strict Pelican build into a fresh directory, then checks."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import children
from .config import read_pelican_settings
from .errors import BuildError
from .gate import MANIFEST_NAME, parse_manifest
from .plan import COMPRESSED_SUFFIXES

GZIP_SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".atom", ".rss", ".svg", ".txt", ".map")
GZIP_MIN_SIZE = 256
# The strict-build runner (every content problem in one table; the checks of `invoke check`).
BUILD_RUNNER = "tools.build"


@dataclass
class Build:
    """A finished publish build in a temporary directory."""

    output: Path
    manifest: dict
    workdir: Path

    def cleanup(self) -> None:
        """Delete the temporary directory."""
        shutil.rmtree(self.workdir, ignore_errors=True)


def ensure_gzip(output: Path) -> int:
    """Write a ``.gz`` twin for every text file lacking one (nginx ``gzip_static``); return count.

    pelican-precompress normally writes them during the build; this fills in files written after
    it ran (or every file when it is not enabled). ``mtime=0`` keeps the bytes reproducible, so an
    unchanged file is never re-uploaded.
    """
    written = 0
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.name.endswith(COMPRESSED_SUFFIXES):
            continue
        twin = path.with_name(path.name + ".gz")
        if path.suffix not in GZIP_SUFFIXES or twin.exists() or path.stat().st_size < GZIP_MIN_SIZE:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) < len(data):
            twin.write_bytes(packed)
            written += 1
    return written


def build_command(config: Path, output: Path, settings: Mapping[str, Any], strict: bool) -> list:
    """Return the build command: the strict-build runner, failing on any warning when ``strict``."""
    command = [sys.executable, "-m", BUILD_RUNNER, "-s", str(config)]
    command += ["-o", str(output), "--no-atomic", "-q"]
    command += ["--strict"] if strict else []
    if settings:
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items())]
    return command


def _tail(text: str, lines: int = 25) -> list[str]:
    return [line for line in text.strip().splitlines()[-lines:] if line.strip()]


def build_for_publish(
    config: str | Path = "publishconf.py",
    content: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    checks: Callable[[Path], object] | None = None,
    strict: bool = True,
    cwd: str | Path | None = None,
    plugin_paths: Iterable[str | Path] | None = None,
) -> Build:
    """Build with ``config`` (failing on any warning when strict) into a fresh temp dir, check it.

    ``plugin_paths`` (default: the settings' ``PLUGIN_PATHS``) go on the build's ``PYTHONPATH``
    so the runner and the plugins import. ``checks(output)`` runs the content checks on the
    built site; it fails by raising (any exception, or ``SystemExit``/invoke ``Exit`` with a
    non-zero code) or by returning ``False``.
    """
    children.sweep()  # scratch folders of publishes killed with SIGKILL
    workdir = children.scratch("sharewell-publish-")
    output = workdir / "output"
    settings = {**(overrides or {})}
    if content:
        settings["PATH"] = str(Path(content).resolve())
    command = build_command(Path(config), output, settings, strict)
    env = dict(os.environ)
    if plugin_paths is None:
        plugin_paths = read_pelican_settings(config, overrides).get("PLUGIN_PATHS") or ()
    paths = [str(Path(p).resolve()) for p in plugin_paths]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [*paths, env.get("PYTHONPATH")]))
    try:
        proc = children.run(command, cwd=cwd, env=env)
        if proc.returncode != 0:
            # The runner's table says what to fix: show it whole.
            sys.stderr.write(proc.stdout + proc.stderr)
            raise BuildError(
                "The strict build found problems (listed above); nothing was deployed.",
                [*_tail(proc.stderr, 3), "Fix the content, then publish again."],
            )
        _run_checks(checks, output)
        manifest_file = output / MANIFEST_NAME
        if not manifest_file.is_file():
            raise BuildError(
                f"The build wrote no {MANIFEST_NAME}.",
                ['Add "link_keeper" to PLUGINS in the settings file.'],
            )
        manifest = parse_manifest(manifest_file.read_bytes(), str(manifest_file))
        ensure_gzip(output)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Build(output, manifest, workdir)


def _run_checks(checks: Callable[[Path], object] | None, output: Path) -> None:
    if checks is None:
        return
    try:
        result = checks(output)
    except BuildError:
        raise
    except SystemExit as exc:
        code = getattr(exc, "code", 1)
        if code not in (0, None):
            raise BuildError(f"The content checks failed (exit {code}).") from None
        return
    except Exception as exc:
        # invoke's Exit/Failure and check errors land here: all mean "do not deploy".
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        code = getattr(exc, "code", None)
        if code == 0:
            return
        raise BuildError("The content checks failed:", [str(message)]) from None
    if result is False:
        raise BuildError("The content checks failed.")
