"""Per-run state: one object per plugin, made when a run needs it, gone when the run ends.

Pelican sends ``initialized`` once per Pelican object, but autoreload (``pelican -r``,
``invoke livereload``) calls ``run()`` again on the same object; ``get_generators`` is the
first signal of every run. The kernel counts runs there (``watch``), and a ``RunSlot`` hands out a
fresh state object whenever the run it was made for is over::

    RUN = RunSlot(OgCardsRun)          # module level: the slot, not the state
    state = RUN.get(generator.settings)
    ...
    RUN.drop()                         # in `finalized`
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from pelican import signals

from . import problems
from . import signals as kernel_signals

T = TypeVar("T")


class _Counter:
    number = 0


_runs = _Counter()


def current_run() -> int:
    """Return the number of the run in progress (0 before the first run)."""
    return _runs.number


def _run_started(sender: Any) -> None:
    """Count a new run and give it a fresh problem store (unless a tool made one for it);
    discard content cache files that must not be loaded (before any generator loads them).

    Also moves the kernel's ``finalized`` receiver behind every plugin's (blinker calls
    receivers in the order they were connected), so ``site_written`` follows them all.
    """
    from . import cache, workers  # noqa: PLC0415 - they keep their run state in RunSlots

    workers.stop()  # a pool left by a run that stopped half-way
    _runs.number += 1
    problems.begin_run()
    cache.guard(sender)
    signals.finalized.disconnect(_site_written)
    signals.finalized.connect(_site_written, weak=False)


def _site_written(pelican: Any) -> None:
    """Tell the kernel's listeners that every plugin has finished writing."""
    kernel_signals.site_written.send(pelican)


def watch() -> None:
    """Connect the kernel's own receivers; each plugin's ``register()`` calls this.

    The kernel counts runs (``get_generators``) and asks every plugin's ``check_source``
    about each writer's file before Pelican reads it (``*_generator_init``). Connecting
    the same receiver again is a no-op, so every plugin may call this. It also keeps Pelican's
    content cache safe for the plugins (``kernel.cache``) and stops the shared worker pool
    (``kernel.workers``) once the site is written.
    """
    # Imported here: these modules keep their run state in RunSlots (defined below).
    from . import cache, preview, sources, workers  # noqa: PLC0415

    signals.get_generators.connect(_run_started, weak=False)
    signals.article_generator_init.connect(sources.check_articles, weak=False)
    signals.page_generator_init.connect(sources.check_pages, weak=False)
    signals.article_generator_init.connect(cache.prepare_generator, weak=False)
    signals.page_generator_init.connect(cache.prepare_generator, weak=False)
    signals.article_generator_finalized.connect(cache.generator_finalized, weak=False)
    signals.page_generator_finalized.connect(cache.generator_finalized, weak=False)
    signals.finalized.connect(cache.finish, weak=False)
    kernel_signals.site_written.connect(workers.stop, weak=False)
    signals.all_generators_finalized.connect(preview.narrow_outputs, weak=False)
    kernel_signals.site_written.connect(preview.restore_site_files, weak=False)


class RunSlot(Generic[T]):
    """Holds one plugin's per-run state object; a new run gets a new object."""

    def __init__(self, factory: Callable[[Mapping[str, Any]], T]) -> None:
        self._factory = factory
        self._state: T | None = None
        self._run = -1

    def get(self, settings: Mapping[str, Any]) -> T:
        """Return this run's state, making it from ``settings`` on first use in the run."""
        if self._state is None or self._run != _runs.number:
            self._state = self._factory(settings)
            self._run = _runs.number
        return self._state

    def peek(self) -> T | None:
        """Return this run's state if it was made, else None (never makes one)."""
        return self._state if self._run == _runs.number else None

    def drop(self) -> None:
        """Forget the state (``finalized``): nothing of this run outlives it."""
        self._state = None
        self._run = -1
