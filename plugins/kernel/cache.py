"""Pelican's content cache, made safe for our settings and every plugin.

Pelican keeps what it read in pickles under ``CACHE_PATH`` (``CACHE_CONTENT`` writes them,
``LOAD_CONTENT_CACHE`` reads them; ``CONTENT_CACHING_LAYER`` "reader" keeps each file's HTML
and metadata, "generator" whole content objects). It re-reads a file only when the file's own
modification time changes. It does not notice that a setting changed (a reviewer's name, the
nation of the care cards), that a plugin's code changed, or that an image a page shows changed;
and a save that fails half-way leaves a truncated file that crashes the next build
(``EOFError: Ran out of input``). The kernel closes those gaps:

- **fingerprint**: the settings (as Pelican holds them after every plugin's ``initialized``),
  ``PLUGINS``, the plugins' code and the versions of the libraries whose objects are pickled.
  When it differs from the one the cache was written with, the cache is discarded before
  Pelican loads it;
- **seal**: each cache file's size and time after a complete save. A file that does not match
  its seal (a killed build, a failed save, a build without our plugins) is discarded too;
- **inputs**: a plugin whose reading uses another file (content_images' pictures) says so with
  ``reading_uses()``; when that file changes, the source that used it is read again;
- **context**: objects restored by the generator layer point at the build that pickled them;
  ``refresh_contexts`` points them at this build (links to pages resolve again).

Everything lives in ``CACHE_PATH/kernel/content-cache.json``; the state of a run is one
``RunSlot``. Receivers are connected by ``runs.watch()``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from . import preview
from .problems import Problem
from .runs import RunSlot

logger = logging.getLogger(__name__)

SEAL_VERSION = 1
SEAL_FILE = Path("kernel") / "content-cache.json"
CHECKS_FILE = Path("kernel") / "checks.json"
# Libraries whose objects are inside Pelican's pickles (or shape the HTML that is cached).
PICKLED_LIBRARIES = ("pelican", "markdown", "markupsafe", "pygments", "jinja2")
GZIP_LEVEL = 1  # the cache is read back within minutes: speed over size (Pelican uses 9)
# Settings that decide where and whether a build writes, never what it reads: a check build
# into a temporary folder (`invoke check`) or a preview (kernel.preview) must not throw the
# development cache away.
OUTPUT_ONLY = frozenset(
    {"OUTPUT_PATH", "DELETE_OUTPUT_DIRECTORY", "OUTPUT_RETENTION", "WRITE_SELECTED",
     "CACHE_CONTENT", "LOAD_CONTENT_CACHE", "SHAREWELL_PRIVATE_PATH", "SHAREWELL_PREVIEW",
     "PORT", "BIND"}
)  # fmt: skip


# ---- fingerprint ---------------------------------------------------------------------------
def canonical(value: Any, _seen: frozenset[int] = frozenset()) -> Any:
    """Return a JSON-ready form of a settings value that is equal whenever the value is.

    Memory addresses never appear (objects are described by their type and attributes,
    functions by module, name and code), so the same settings give the same form in every
    process.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if id(value) in _seen:
        return "<cycle>"
    seen = _seen | {id(value)}
    for kinds, describe in _DESCRIBERS:
        if isinstance(value, kinds):
            return describe(value, seen)
    pattern = getattr(value, "pattern", None)
    if isinstance(pattern, str | bytes) and hasattr(value, "flags"):  # a compiled regex
        return {"regex": canonical(pattern, seen), "flags": value.flags}
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict):
        return {"object": kind, "state": canonical(state, seen)}
    text = repr(value)
    return {"object": kind, "repr": "" if "0x" in text else text}


def _mapping(value: Mapping, seen: frozenset[int]) -> dict[str, Any]:
    items = [(canonical(k, seen), canonical(v, seen)) for k, v in value.items()]
    return {"map": sorted(items, key=lambda kv: json.dumps(kv[0], sort_keys=True))}


def _function(func: Any, seen: frozenset[int]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "function": f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"
    }
    code = getattr(func, "__code__", None)
    if code is not None:  # a lambda or a changed function body gives another fingerprint
        described["code"] = hashlib.sha256(code.co_code).hexdigest()
        described["consts"] = repr(tuple(c for c in code.co_consts if not hasattr(c, "co_code")))
    owner = getattr(func, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        described["self"] = canonical(owner, seen)
    return described


_DESCRIBERS: tuple[tuple[Any, Any], ...] = (
    (bytes, lambda v, _: {"bytes": hashlib.sha256(v).hexdigest()}),
    (os.PathLike, lambda v, _: {"path": os.fspath(v)}),
    (Mapping, _mapping),
    (
        set | frozenset,
        lambda v, seen: {"set": sorted((canonical(x, seen) for x in v), key=json.dumps)},
    ),
    (list | tuple, lambda v, seen: [canonical(x, seen) for x in v]),
    (types.ModuleType, lambda v, _: {"module": v.__name__}),
    (types.FunctionType | types.MethodType | types.BuiltinFunctionType, _function),
)


def folder_digest(folders: Iterable[str | os.PathLike], pattern: str = "*") -> str:
    """Return a hash of the files matching ``pattern`` under the folders (names and bytes)."""
    digest = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            with contextlib.suppress(OSError):
                digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digest(folders: Iterable[str | os.PathLike]) -> str:
    """Return a hash of every Python file under the plugin folders (their code shapes output)."""
    return folder_digest(folders, "*.py")


def _versions() -> dict[str, str]:
    found = {"python": ".".join(map(str, sys.version_info[:3]))}
    for name in PICKLED_LIBRARIES:
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = ""
    return found


def fingerprint(settings: Mapping[str, Any]) -> str:
    """Return the fingerprint of everything besides the sources that the cache depends on."""
    data = {
        "settings": canonical({k: v for k, v in settings.items() if k not in OUTPUT_ONLY}),
        "code": code_digest(settings.get("PLUGIN_PATHS") or []),
        "versions": _versions(),
    }
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- files ---------------------------------------------------------------------------------
def enabled(settings: Mapping[str, Any]) -> bool:
    """Return whether this build writes or reads Pelican's content cache."""
    return bool(settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"))


def cache_files(cache_path: str | os.PathLike) -> list[Path]:
    """Return Pelican's content cache files (``ArticlesGenerator``, ``…-Readers``) in a folder."""
    root = Path(cache_path)
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file() and (p.name.endswith("Generator") or p.name.endswith("Generator-Readers"))
    )


def stamp(path: str | os.PathLike) -> list[int] | None:
    """Return [size, modification time in ns] of a file, None if it is missing."""
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


def _read_seal(cache_path: str | os.PathLike) -> dict[str, Any]:
    try:
        data = json.loads((Path(cache_path) / SEAL_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == SEAL_VERSION else {}


def _write_seal(cache_path: str | os.PathLike, data: dict[str, Any]) -> None:
    target = Path(cache_path) / SEAL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".content-cache-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, sort_keys=True)
    Path(tmp).replace(target)


# ---- one run -------------------------------------------------------------------------------
@dataclass
class CacheRun:
    """One build's view of the content cache."""

    settings: Mapping[str, Any]
    on: bool = False
    fingerprint: str = ""
    previous: dict[str, dict[str, dict[str, list[int] | None]]] = field(default_factory=dict)
    inputs: dict[str, dict[str, dict[str, list[int] | None]]] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)
    reading: str | None = None
    failures: dict[str, str] = field(default_factory=dict)  # cache file -> why it was not saved
    seal: dict[str, Any] = field(default_factory=dict)  # the last build's, if still valid
    changed: set[int] = field(default_factory=set)  # id() of each cacher given new data
    checks: CheckMemo | None = None

    @classmethod
    def start(cls, settings: Mapping[str, Any]) -> CacheRun:
        return cls(settings)


RUN = RunSlot(CacheRun.start)


def guard(pelican: Any) -> None:
    """Discard cache files that must not be loaded, before Pelican's generators load them."""
    settings = getattr(pelican, "settings", None)
    if settings is None:
        return  # a run started without a Pelican object (tools, tests): no cache to guard
    state = RUN.get(settings)
    state.on = enabled(settings)
    if not state.on:
        return
    cache_path = settings.get("CACHE_PATH") or "cache"
    state.fingerprint = fingerprint(settings)
    seal = _read_seal(cache_path)
    same = seal.get("fingerprint") == state.fingerprint
    state.previous = seal.get("inputs", {}) if same else {}
    state.seal = seal if same else {}
    if settings.get("LOAD_CONTENT_CACHE"):
        for path in cache_files(cache_path):
            if not same:
                why = "settings, plugins or library versions changed since it was written"
            elif (seal.get("files") or {}).get(path.name) != stamp(path):
                why = "it was not written completely by the last build with these plugins"
            else:
                continue
            logger.info("content cache: not using %s: %s; reading every file again", path, why)
            path.unlink(missing_ok=True)


def content_tree(root: str | os.PathLike) -> str:
    """Return a digest of every name in the content folder (not the files' bytes).

    Names only, so it costs a directory walk: symbolic links are listed, not followed.
    """
    digest = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        relative = os.path.relpath(folder, root)
        for name in sorted(files) + [f"{d}/" for d in dirs]:
            digest.update(f"{relative}/{name}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class CheckMemo:
    """Every plugin's answer to ``check_source`` per file, kept between builds.

    The answer depends on the file's bytes, where it really is (a link may leave the content
    folder), its kind, "today", everything the fingerprint covers (settings, plugin code) and
    which files the content folder holds (``tree``: a check may ask whether a picture or a
    section folder exists, so adding or removing a file asks every check again).
    """

    def __init__(
        self,
        cache_path: str | os.PathLike,
        fingerprint: str,
        *,
        merge: bool = False,
        tree: str = "",
    ) -> None:
        self.file = Path(cache_path) / CHECKS_FILE
        self.fingerprint = fingerprint
        self.tree = tree
        self.merge = merge  # a preview checks the saved files only: keep the others' answers
        self.kept: dict[str, list[dict[str, Any]]] = {}
        self.used: dict[str, list[dict[str, Any]]] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self.file.read_text(encoding="utf-8"))
            files = data.get("files") if isinstance(data, dict) else None
            if isinstance(files, dict) and data.get("fingerprint") == fingerprint:
                self.kept = files

    def key(self, path: Path, kind: str, today: Any) -> str | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None  # the check itself names an unreadable file
        where = os.path.realpath(path)
        head = f"{where}\0{os.path.abspath(path)}\0{kind}\0{today}\0{self.tree}\0".encode()  # noqa: PTH100
        return hashlib.blake2b(head + data, digest_size=16).hexdigest()

    def get(self, key: str | None) -> list[Problem] | None:
        """Return the problems kept for this key, or None."""
        if key is None or key not in self.kept:
            return None
        found = self.kept[key]
        try:
            kept = [Problem(**problem) for problem in found]
        except (TypeError, ValueError):
            return None  # a damaged entry: check the file again
        self.used[key] = found
        return kept

    def put(self, key: str | None, found: list[Problem]) -> None:
        """Keep the problems found for this key."""
        if key is not None:
            self.used[key] = [problem.as_dict() for problem in found]

    def save(self) -> None:
        """Keep this build's answers (only if they changed)."""
        if self.merge:
            self.used = {**self.kept, **self.used}
        if self.used.keys() == self.kept.keys():
            return
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".checks-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"fingerprint": self.fingerprint, "files": self.used}, handle)
            Path(tmp).replace(self.file)
        self.kept = dict(self.used)


def check_memo(settings: Mapping[str, Any]) -> CheckMemo | None:
    """Return this build's kept answers to ``check_source`` (None: no content cache)."""
    state = RUN.peek()
    if state is None or not state.on or not state.settings.get("CACHE_CONTENT"):
        return None
    if state.checks is None:
        state.checks = CheckMemo(
            settings.get("CACHE_PATH") or "cache",
            state.fingerprint,
            merge=preview.is_preview(settings),
            tree=content_tree(settings.get("PATH") or "content"),
        )
    return state.checks


def _sealed(path: Path, state: CacheRun) -> bool:
    return (state.seal.get("files") or {}).get(path.name) == stamp(path)


def _stale(inputs: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(stamp(path) != old for files in inputs.values() for path, old in files.items())


def prepare_generator(generator: Any) -> None:
    """Re-read sources whose inputs changed; learn which file each reader is reading.

    Runs at ``*_generator_init``: Pelican has loaded the cache, nothing is read yet.
    """
    state = RUN.peek()
    if state is None or not state.on:
        return
    base = Path(generator.path)
    for source, inputs in state.previous.items():
        if not _stale(inputs):
            continue
        logger.debug("content cache: %s is read again (a file it uses changed)", source)
        with contextlib.suppress(AttributeError):
            generator.readers._cache.pop(source, None)  # reader layer: absolute paths
        with contextlib.suppress(AttributeError, ValueError):
            generator._cache.pop(os.path.relpath(source, base), None)  # generator layer
        state.changed.update((id(generator), id(generator.readers)))
    for reader in getattr(generator.readers, "readers", {}).values():
        if not getattr(reader.read, "sharewell_tracked", False):
            reader.read = _tracked(reader.read)
    for cacher in (generator, generator.readers):
        if hasattr(cacher, "_cache_path") and hasattr(cacher, "_cache"):
            cacher.cache_data = _noting(cacher, state)
            cacher.save_cache = _atomic_save(cacher, state)


def _noting(cacher: Any, state: CacheRun) -> Any:
    keep = cacher.cache_data

    def cache_data(*args: Any, **kwargs: Any) -> Any:
        state.changed.add(id(cacher))
        return keep(*args, **kwargs)

    return cache_data


def _atomic_save(cacher: Any, state: CacheRun) -> Any:
    """Return a ``save_cache`` that never leaves a half-written file or stops the build.

    Pelican's own writes the pickle in place and lets some errors through: content it cannot
    pickle either crashes the build (a local function) or leaves a truncated file that
    crashes the next one. This writes a temporary file and renames it when complete.
    """

    def save_cache() -> None:
        if not getattr(cacher, "_cache_data_policy", False):
            return
        target = Path(cacher._cache_path)
        if id(cacher) not in state.changed and target.is_file() and _sealed(target, state):
            return  # nothing new: the file on disk already holds exactly this cache
        tmp: Path | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
            tmp = Path(name)
            with os.fdopen(fd, "wb") as raw:
                if state.settings.get("GZIP_CACHE", True):
                    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL) as out:
                        pickle.dump(cacher._cache, out, protocol=pickle.HIGHEST_PROTOCOL)
                else:
                    pickle.dump(cacher._cache, raw, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
        except Exception as error:  # any failure only costs the next build time
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            target.unlink(missing_ok=True)  # an older file may hold what this build replaced
            state.failures[target.name] = f"{type(error).__name__}: {error}"
            logger.warning(
                "content cache: %s was not saved (%s), so the next build reads every file "
                "again. Something in the content, its metadata or the settings cannot be "
                "pickled (a lambda, a local function, an open file): make it plain data",
                target, state.failures[target.name],
            )  # fmt: skip

    return save_cache


def _tracked(read: Any) -> Any:
    def read_and_track(source_path: str) -> Any:
        state = RUN.peek()
        if state is None or not state.on:
            return read(source_path)
        source = os.path.abspath(source_path)  # noqa: PTH100 - Pelican's key is abspath
        state.reading, outer = source, state.reading
        state.read.add(source)
        state.inputs.pop(source, None)  # what this reading uses replaces what the last one did
        try:
            return read(source_path)
        finally:
            state.reading = outer

    read_and_track.sharewell_tracked = True
    return read_and_track


def read_anew(source_path: str | os.PathLike) -> bool:
    """Return whether this build parsed the source (False: restored from the content cache).

    Work started early for a source ("prefetch") pays only for a file read anew: one from
    the cache is unchanged, so the memos already hold what the early start would compute.
    """
    state = RUN.peek()
    if state is None or not state.on:
        return True
    return os.path.abspath(source_path) in state.read  # noqa: PTH100 - Pelican's key is abspath


def reading_uses(path: str | os.PathLike, by: str) -> None:
    """Record that the file being read uses ``path``: when it changes, read that file again."""
    state = RUN.peek()
    if state is None or not state.on or state.reading is None:
        return
    used = os.path.abspath(path)  # noqa: PTH100 - compared with Pelican's abspath'd keys
    state.inputs.setdefault(state.reading, {}).setdefault(by, {})[used] = stamp(used)


def reading_inputs(source_path: str | os.PathLike, by: str) -> list[str]:
    """Return the files ``by`` used while reading a source, in this build or a cached one."""
    state = RUN.peek()
    if state is None or not state.on:
        return []
    source = os.path.abspath(source_path)  # noqa: PTH100 - Pelican's key is abspath
    table = state.inputs if source in state.read else state.previous
    return sorted((table.get(source) or {}).get(by, {}))


def _refresh_contexts(generator: Any) -> None:
    """Point content restored by the generator layer at this build's context and settings.

    Pelican pickles each object with the context of the build that read it: its links to
    pages read later in that build (``{filename}/pages/x.md``) would never resolve, and its
    settings would name that build's output folder.
    """
    context, settings = generator.context, generator.settings
    for items in list(vars(generator).values()):
        if not isinstance(items, list):
            continue
        for content in items:
            if getattr(content, "_context", context) is not context:
                content._context = context
            if getattr(content, "settings", settings) is not settings:
                content.settings = settings


def generator_finalized(generator: Any) -> None:
    """Refresh restored content and seal the generator's cache files (Pelican saved them)."""
    state = RUN.peek()
    if state is None or not state.on:
        return
    _refresh_contexts(generator)
    if not state.settings.get("CACHE_CONTENT"):
        return
    cache_path = Path(state.settings.get("CACHE_PATH") or "cache")
    data = _read_seal(cache_path)
    if data.get("fingerprint") != state.fingerprint:
        data = {"version": SEAL_VERSION, "fingerprint": state.fingerprint, "files": {}}
    name = type(generator).__name__
    for file_name in (name, f"{name}-Readers"):
        data["files"].pop(file_name, None)
        path = cache_path / file_name
        if file_name not in state.failures and path.is_file():
            data["files"][file_name] = stamp(path)
    # What each source's reading used: this build's reads, else what the cached reading used.
    inputs = {k: v for k, v in state.previous.items() if k not in state.read and Path(k).exists()}
    inputs.update({k: v for k, v in state.inputs.items() if v})
    data["inputs"] = inputs
    data["last_build"] = {"read": len(state.read)}
    _write_seal(cache_path, data)
    if state.checks is not None:
        state.checks.save()


def last_build(cache_path: str | os.PathLike) -> dict[str, Any]:
    """Return what the last build with the content cache did (``read``: sources read anew)."""
    return dict(_read_seal(cache_path).get("last_build") or {})


def finish(pelican: Any) -> None:
    """Forget this run's state (``finalized``)."""
    RUN.drop()
