"""Settings and plugins for tools that work on the site without building it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def load_settings(folder: Path | None = None, settings_file: Path | None = None) -> dict:
    """Return Pelican settings from ``settings_file``, else publishconf.py / pelicanconf.py."""
    from pelican.settings import read_settings

    folder = folder or Path.cwd()
    candidates = [settings_file] if settings_file else []
    candidates += [folder / "publishconf.py", folder / "pelicanconf.py"]
    for candidate in candidates:
        if candidate and candidate.is_file():
            return read_settings(str(candidate))
    return read_settings(None)


def register_plugins(settings: Mapping[str, Any]) -> list[Any]:
    """Register the configured plugins as Pelican would, so their kernel receivers answer.

    Connecting a receiver twice is a no-op, so calling this again is harmless.
    """
    from pelican.plugins._utils import load_plugins

    registered = []
    for plugin in load_plugins(dict(settings)):
        plugin.register()
        registered.append(plugin)
    return registered
