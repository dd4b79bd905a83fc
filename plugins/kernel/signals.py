"""Kernel signals: the moments and questions plugins share without importing each other.

- ``metadata_keys``: "which metadata keys do you read?" Sent with the Pelican settings;
  each plugin's receiver returns an iterable of ``MetadataKey``. content_guard warns about
  any key nobody declares, so a key exists in exactly one place: the plugin that reads it.
- ``check_source``: "what is wrong with this file?" Sent with a ``SourceFile``; each
  plugin's receiver returns a list of ``Problem`` from its pure ``check_source``. The build
  (content_guard, before Pelican reads the file) and the pre-commit tool both send it, so
  a rule exists once and says the same thing in both places.
- ``generated_outputs``: "which files and folders do you write into the output?" Sent with
  the Pelican settings; each plugin returns ``GeneratedOutput`` items (a folder ends with
  ``/``), so no writer's ``save_as``/``url`` can replace a card, an export or the search
  index (``kernel.outputs``).
- ``site_written``: the moment after every plugin's ``finalized``: the site and the build's
  private folder are complete (cards placed, feeds and exports written). Sent with the Pelican
  object. For what reads the finished build (the editor's desk), so no plugin has to come last
  in ``PLUGINS``.

Receivers are connected in each plugin's ``register()``; ``collect()`` gathers the answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blinker import NamedSignal, signal

from .header import Header
from .problems import Problem

metadata_keys: NamedSignal = signal("sharewell.metadata_keys")
check_source: NamedSignal = signal("sharewell.check_source")
site_written: NamedSignal = signal("sharewell.site_written")
generated_outputs: NamedSignal = signal("sharewell.generated_outputs")


@dataclass(frozen=True)
class MetadataKey:
    """A metadata key a plugin reads: its name (lower case), owner and a one-line meaning."""

    name: str
    owner: str
    doc: str
    kind: str = "text"  # text, date, list, url, path, flag, lines


@dataclass(frozen=True)
class GeneratedOutput:
    """A file (or a folder, ending with ``/``) a plugin writes into the output folder."""

    path: str
    owner: str
    what: str


def output_folder(
    settings: Mapping[str, Any], key: str, default: str, owner: str, what: str
) -> tuple[GeneratedOutput, ...]:
    """Return the output folder setting ``key`` names, declared for ``owner``.

    Empty when the setting is empty (the plugin then writes no folder of its own).
    """
    folder = str(settings.get(key, default) or "").strip("/")
    return (GeneratedOutput(f"{folder}/", owner, what),) if folder else ()


@dataclass
class SourceFile:
    """One writer's file as checks see it: text, parsed header, where it is and what it is."""

    path: Path
    display: str
    text: str
    header: Header
    kind: str  # "article" or "page"
    settings: Mapping[str, Any]
    today: dt.date
    known_keys: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    @property
    def is_draft(self) -> bool:
        return (self.header.first("status") or "").strip().lower() == "draft"

    def problem(self, field_name: str, problem: str, fix: str, **options: Any) -> Problem:
        """Return a Problem on this file (line: the field's line unless given)."""
        options.setdefault("line", self.header.line_of(field_name))
        return Problem(self.display, field_name, problem, fix, **options)


def collect(sig: NamedSignal, sender: Any) -> list[Any]:
    """Send ``sig`` and return every receiver's answers, flattened (None answers skipped)."""
    answers: list[Any] = []
    for _receiver, answer in sig.send(sender):
        if answer is None:
            continue
        if isinstance(answer, Iterable) and not isinstance(answer, str | bytes):
            answers.extend(answer)
        else:
            answers.append(answer)
    return answers


def declared_keys(settings: Mapping[str, Any]) -> dict[str, MetadataKey]:
    """Return every metadata key the registered plugins declare, by name."""
    return {key.name: key for key in collect(metadata_keys, settings)}
