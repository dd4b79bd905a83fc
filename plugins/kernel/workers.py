"""One pool of worker processes per build, shared by every plugin that has CPU work to hand off.

Pelican works on one core. Cards (og_cards), readability scores (health_review) and fitted
share texts (share_snippets) are pure functions of plain data, so they run in worker processes
on the other cores while Pelican reads and writes. One pool for all of them, not one per plugin:
two pools on a two-core machine would fight each other and Pelican for the same cores.

    future = workers.submit(settings, score, text)   # None: no pool, call it yourself
    result = workers.result(future, score, text)      # waits; computes inline if no future
    future = workers.submit_later(settings, render, spec)  # wanted only when the site is done

Work is wanted at two times. Scores and share texts are asked for while Pelican is still
writing pages: if no worker has started one, Pelican's process does it itself (it waits only
for started work), so that work must not queue behind a thousand cards. Cards are wanted only
when the site is finished, so ``submit_later`` holds them back and hands the workers one at a
time each (the queue the pool sees is never longer than one card per worker): work submitted
later with ``submit`` still starts within one card's time.

The pool starts on first use (a build that needs nothing never forks), its workers run at a
lower priority (``SHAREWELL_WORKER_NICE``) so Pelican keeps its core, and it is shut down when
the site is written (``site_written``) or when the next run starts. Functions and arguments
must pickle (module-level functions, plain data).

Settings:
    SHAREWELL_WORKERS (None = one per core; 0 = no pool, everything runs in Pelican's process)
    SHAREWELL_WORKER_NICE (10): how much lower the workers' priority is (0-19)
    SHAREWELL_START_METHOD (None = the platform's default; fork, forkserver or spawn)
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import CancelledError, Future, InvalidStateError, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from . import settings as kernel_settings
from .runs import RunSlot

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

SETTINGS = (
    kernel_settings.Setting(
        "SHAREWELL_WORKERS", None, "worker processes (None: one per core; 0: none)",
        kernel_settings.optional(kernel_settings.integer(0, 256)),
    ),
    kernel_settings.Setting(
        "SHAREWELL_WORKER_NICE", 10, "how much lower the workers' priority is",
        kernel_settings.integer(0, 19),
    ),
    kernel_settings.Setting(
        "SHAREWELL_START_METHOD", None, "how worker processes start",
        kernel_settings.optional(kernel_settings.one_of("fork", "forkserver", "spawn")),
    ),
)  # fmt: skip


def _lower_priority(nice: int) -> None:
    """Run in each worker first: Pelican's process keeps its core, the work uses the rest."""
    if nice > 0 and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)


class WorkerPool:
    """A lazily started process pool (or none, when SHAREWELL_WORKERS is 0)."""

    def __init__(self, settings: Mapping[str, Any]) -> None:
        config = kernel_settings.read(settings, SETTINGS)
        count = config["SHAREWELL_WORKERS"]
        self.size: int = (os.cpu_count() or 1) if count is None else count
        self.nice: int = config["SHAREWELL_WORKER_NICE"]
        self.start_method: str | None = config["SHAREWELL_START_METHOD"]
        self._pool: ProcessPoolExecutor | None = None
        self.submitted = 0
        # submit_later's work not handed to the pool yet, and how much of it the pool holds
        self._later: deque[tuple[Future, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._later_in_pool = 0
        self._lock = threading.Lock()  # pool results arrive on the executor's own thread

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.size,
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_lower_priority,
                initargs=(self.nice,),
            )
        return self._pool

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T] | None:
        """Start ``fn(*args)`` in a worker; return None when there is no pool."""
        if self.size <= 0:
            return None
        self.submitted += 1
        return self._executor().submit(fn, *args)

    def submit_later(self, fn: Callable[..., T], *args: Any) -> Future[T] | None:
        """Queue ``fn(*args)`` behind everything ``submit`` starts; None when there is no pool.

        The future is done when the work is; cancelling it before a worker starts it skips it.
        """
        if self.size <= 0:
            return None
        self.submitted += 1
        future: Future[T] = Future()
        with self._lock:
            self._later.append((future, fn, args))
        self._hand_on()
        return future

    def _hand_on(self) -> None:
        """Give the pool held-back work until it holds one piece per worker."""
        while True:
            with self._lock:
                if self._later_in_pool >= self.size or not self._later:
                    return
                future, fn, args = self._later.popleft()
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while held back: skipped
                self._later_in_pool += 1  # running now: cancel() refuses, as a pool's future
            try:
                started = self._executor().submit(fn, *args)
            except RuntimeError as error:  # the pool is shutting down
                with self._lock:
                    self._later_in_pool -= 1
                with contextlib.suppress(InvalidStateError):
                    future.set_exception(error)
                continue
            started.add_done_callback(lambda done, future=future: self._finished(done, future))

    def _finished(self, done: Future, future: Future) -> None:
        with self._lock:
            self._later_in_pool -= 1
        with contextlib.suppress(InvalidStateError):
            if done.cancelled():  # the pool was shut down before a worker took it
                future.set_exception(CancelledError())
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(done.result())
        self._hand_on()

    def shutdown(self) -> None:
        """Stop the workers (idempotent); unfinished work is cancelled."""
        with self._lock:
            held, self._later = list(self._later), deque()
        for future, _, _ in held:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


POOL = RunSlot(WorkerPool)


def pool(settings: Mapping[str, Any]) -> WorkerPool:
    """Return this run's pool (made on first use in the run)."""
    return POOL.get(settings)


def submit(settings: Mapping[str, Any], fn: Callable[..., T], *args: Any) -> Future[T] | None:
    """Start ``fn(*args)`` in this run's pool; None when the build runs without workers."""
    return pool(settings).submit(fn, *args)


def submit_later(settings: Mapping[str, Any], fn: Callable[..., T], *args: Any) -> Future[T] | None:
    """Queue ``fn(*args)`` behind the work wanted sooner (``WorkerPool.submit_later``)."""
    return pool(settings).submit_later(fn, *args)


def result(future: Future[T] | None, fn: Callable[..., T], *args: Any) -> T:
    """Return a submitted call's result, or compute it here if it was never submitted."""
    return future.result() if future is not None else fn(*args)


def stop(*_: Any) -> None:
    """Shut this run's pool down (``site_written``, and before the next run starts)."""
    current = POOL.peek()
    if current is not None:
        current.shutdown()
    POOL.drop()


class Inbox(Generic[K, T]):
    """Results of work handed to the pool, by key; a future is kept only while it runs.

    A future holds a lock, a condition and the pool's work item (~1.8 KB), and a build
    hands out thousands (a score and the share texts of every article) before it asks for
    the first: each result is kept as plain data when it arrives, and its future dropped.

        inbox.submit(settings, keys, fit_many, jobs)   # one task, one result per key
        found, result = inbox.take(key)                # (False, None): do it yourself
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # results arrive on the pool's own thread
        self._running: dict[K, tuple[Future, int | None]] = {}
        self._arrived: dict[K, T] = {}

    def __contains__(self, key: object) -> bool:
        return key in self._running or key in self._arrived

    def __len__(self) -> int:
        return len(self._running) + len(self._arrived)

    def submit(self, settings: Mapping[str, Any], keys: Sequence[K] | K,
               fn: Callable[..., Any], *args: Any, many: bool = True) -> bool:  # fmt: skip
        """Start ``fn(*args)``: with ``many``, its result is a list, one item per key of
        ``keys``; without, the whole result is ``keys``' (one key). False: no pool."""
        future = submit(settings, fn, *args)
        if future is None:
            return False
        self.watch(future, keys, many=many)
        return True

    def watch(self, future: Future, keys: Sequence[K] | K, *, many: bool = True) -> None:
        """Keep a future's result(s) by key (``submit`` without the pool's part)."""
        named = list(keys) if many else [keys]  # type: ignore[list-item]
        with self._lock:
            for index, key in enumerate(named):
                self._running[key] = (future, index if many else None)
        future.add_done_callback(functools.partial(self._arrive, named))

    def _arrive(self, keys: list[K], future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            return  # take() sees it through the future: the caller does the work itself
        result = future.result()
        with self._lock:
            for key in keys:
                running = self._running.get(key)
                if running is not None and running[0] is future:
                    del self._running[key]
                    self._arrived[key] = result if running[1] is None else result[running[1]]

    def take(self, key: K, *, wait_unstarted: bool = False) -> tuple[bool, T | None]:
        """Return (True, result) for a key's finished work, and forget it.

        Work no worker has started is cancelled, (False, None), so the caller does it now,
        unless ``wait_unstarted``; started work is waited for. (False, None) also for a key
        never submitted and for work that failed.
        """
        with self._lock:
            if key in self._arrived:
                return True, self._arrived.pop(key)
            running = self._running.pop(key, None)
        if running is None:
            return False, None
        future, index = running
        if not wait_unstarted and future.cancel():
            return False, None
        if future.cancelled() or future.exception() is not None:  # waits for it
            return False, None
        result = future.result()
        return True, result if index is None else result[index]

    def cancel(self) -> None:
        """Cancel the work not started yet and forget every result (the build is over)."""
        with self._lock:
            running, self._running, self._arrived = self._running, {}, {}
        for future, _ in running.values():
            future.cancel()
