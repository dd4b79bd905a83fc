"""Which writer's file a message is about, when Pelican's own message does not say.

Pelican logs some content problems without naming the file (an unresolved ``{filename}``
link is logged while the page is rendered). ``GuardedWriter`` marks the content it is
writing (``writing``); otherwise the Pelican content object whose method is running is
found on the call stack (``content_in_progress``).
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterator
from typing import Any

from pelican.contents import Content

_writing: contextvars.ContextVar[Any] = contextvars.ContextVar("sharewell_writing", default=None)
_STACK_DEPTH = 40


@contextlib.contextmanager
def writing(content: Any) -> Iterator[None]:
    """Mark ``content`` as the page being written inside the block."""
    token = _writing.set(content)
    try:
        yield
    finally:
        _writing.reset(token)


def content_in_progress() -> Any:
    """Return the content object being written or processed now, or None."""
    frame = sys._getframe(1)  # the stack is the only record of who logged
    for _ in range(_STACK_DEPTH):
        if frame is None:
            break
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Content):
            return candidate
        frame = frame.f_back
    return _writing.get()
