"""Files written whole or not at all: a killed build never leaves half a file behind.

    with files.replaced(path) as handle:       # text; ``mode="wb"`` for bytes
        json.dump(data, handle)
    files.write_bytes(path, data)

Both write a temporary file beside the target and rename it over the target only when the
write finished; on any error the temporary file is removed and the target keeps what it held.
The temporary file is created with the process's umask like any other file (not 0600 as
``tempfile.mkstemp`` makes it), because cards and exports are served or hard-linked into the
site: a file the web server's user cannot read is a 403 on the live site.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _temporary(path: Path) -> tuple[int, Path]:
    """Create a new, empty temporary file beside path (unique name, umask permissions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:  # another writer's name: draw again
            continue


@contextlib.contextmanager
def replaced(
    path: Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Yield a file to write; when the block ends without an error, it becomes ``path``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"replaced() writes a new file: mode 'w' or 'wb', not {mode!r}")
    fd, tmp = _temporary(Path(path))
    try:
        if mode == "wb":
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with handle:
            yield handle
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (temporary file, then a rename)."""
    with replaced(path, "wb") as handle:
        handle.write(data)


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` whole (temporary file, then a rename)."""
    with replaced(path, encoding=encoding) as handle:
        handle.write(text)
