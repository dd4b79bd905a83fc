"""Settings tables: each plugin lists its settings once, with defaults, checks and docs.

A plugin declares ``SETTINGS = (Setting("OG_CARDS_SIZE", (1200, 630), "card size", size), ...)``
and reads them with ``read(pelican_settings, SETTINGS)``, which returns a new dict (Pelican's
settings are never written to) or raises the one ``SettingsError`` naming key, value and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Check = Callable[[Any], Any]


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""

    def __init__(self, key: str, value: Any, why: str) -> None:
        self.key, self.value, self.why = key, value, why
        super().__init__(f"{key}={value!r}: {why}")


@dataclass(frozen=True)
class Setting:
    """One setting: its key, default, a one-line description and an optional check.

    ``check(value)`` returns the value to use (normalised) or raises ValueError(why).
    """

    key: str
    default: Any
    doc: str
    check: Check | None = None


def read(settings: Mapping[str, Any], table: Iterable[Setting]) -> dict[str, Any]:
    """Return a new dict of the table's settings: defaults filled in, each value checked."""
    out: dict[str, Any] = {}
    for setting in table:
        value = settings.get(setting.key, setting.default)
        if setting.check is not None:
            try:
                value = setting.check(value)
            except SettingsError:
                raise
            except (ValueError, TypeError) as error:
                raise SettingsError(setting.key, value, str(error)) from None
        out[setting.key] = value
    return out


def markdown_table(table: Iterable[Setting]) -> str:
    """Return the table as Markdown (key, default, meaning) for a README."""
    rows = ["| Setting | Default | Meaning |", "|---|---|---|"]
    rows += [f"| `{s.key}` | `{s.default!r}` | {s.doc} |" for s in table]
    return "\n".join(rows)


# ---- checks --------------------------------------------------------------------------
def boolean(value: Any) -> bool:
    """Accept True or False only (`pelican -e KEY=true` gives a real bool through JSON)."""
    if isinstance(value, bool):
        return value
    raise ValueError("must be True or False")


def integer(low: int | None = None, high: int | None = None) -> Check:
    """Return a check for a whole number in [low, high]."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_range_words("a whole number", low, high))
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(_range_words("a whole number", low, high))
        return value

    return check


def number(low: float | None = None, high: float | None = None) -> Check:
    """Return a check for a number in [low, high]."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(_range_words("a number", low, high))
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(_range_words("a number", low, high))
        return float(value)

    return check


def _range_words(what: str, low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"must be {what} from {low} to {high}"
    if low is not None:
        return f"must be {what} of at least {low}"
    if high is not None:
        return f"must be {what} of at most {high}"
    return f"must be {what}"


def one_of(*choices: str) -> Check:
    """Return a check for one of ``choices`` (case-insensitive; returns the choice)."""

    def check(value: Any) -> str:
        text = str(value).strip().lower()
        for choice in choices:
            if text == choice.lower():
                return choice
        raise ValueError(f"must be one of {', '.join(choices)}")

    return check


def text(*, empty: bool = False) -> Check:
    """Return a check for a string (non-empty unless ``empty``)."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise ValueError("must be a non-empty string" if not empty else "must be a string")
        return value

    return check


def optional(inner: Check) -> Check:
    """Return a check that lets None through and applies ``inner`` otherwise."""

    def check(value: Any) -> Any:
        return None if value is None else inner(value)

    return check


def strings(value: Any) -> list[str]:
    """Accept a list of strings (or one comma-separated string, as `pelican -e` may give)."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple | set | frozenset) or not all(
        isinstance(item, str) for item in value
    ):
        raise ValueError("must be a list of strings")
    return list(value)


def mapping(value: Any) -> dict:
    """Accept a dict (a copy is returned)."""
    if not isinstance(value, Mapping):
        raise ValueError("must be a dict")
    return dict(value)


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def colour(value: Any) -> str:
    """Accept a CSS hex colour like '#00425a'."""
    if not (isinstance(value, str) and _COLOUR.match(value)):
        raise ValueError("must be a colour like '#00425a'")
    return value


def relative_folder(value: Any) -> str:
    """Accept a relative folder path inside the output (no '..', not absolute)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a relative folder name")
    parts = value.replace("\\", "/").split("/")
    if value.startswith("/") or ".." in parts or any(p in ("", ".") for p in parts[:-1]):
        raise ValueError("must be a relative folder inside the output (no '..', not absolute)")
    return value.strip("/")
