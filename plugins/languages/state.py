"""The languages plugin's per-run state (one object per build, dropped at ``finalized``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kernel import runs


@dataclass
class LanguagesRun:
    """One build: its settings, the language sites to write and the shared template data."""

    settings: Mapping[str, Any]
    sites: list[Any] = field(default_factory=list)
    by_url: dict[str, Any] = field(default_factory=dict)  # absolute URL -> Language


RUN = runs.RunSlot(LanguagesRun)
