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
    context: dict[str, Any] = field(default_factory=dict)


RUN = runs.RunSlot(LanguagesRun)
