"""The kernel's shared worker pool and the plugins' between-build memos (issue 18).

Whole builds prove the memos change nothing (tests/test_content_cache.py compares warm builds
byte for byte with cold ones); these tests pin each part's contract, including damaged files.
"""

from __future__ import annotations

import json
import operator
import threading
import time
from concurrent.futures import CancelledError, Future
from pathlib import Path

import pytest
from editors_desk import crawl
from editors_desk.memo import DeskMemo
from kernel import cache, workers
from kernel.problems import Problem
from kernel.settings import SettingsError
from share_snippets import fitting
from share_snippets.compose import fit
from share_snippets.networks import NETWORKS


@pytest.fixture(autouse=True)
def _no_pool_left():
    yield
    workers.stop()
    fitting.RUN.drop()


def test_no_workers_means_the_work_runs_here():
    settings = {"SHAREWELL_WORKERS": 0}
    future = workers.submit(settings, operator.add, 2, 3)
    assert future is None
    assert workers.result(future, operator.add, 2, 3) == 5


def test_a_worker_computes_the_same_result_and_the_pool_stops():
    settings = {"SHAREWELL_WORKERS": 1}
    future = workers.submit(settings, operator.mul, 6, 7)
    assert future is not None
    assert workers.result(future, operator.mul, 6, 7) == 42
    assert workers.POOL.peek() is not None
    workers.stop()
    assert workers.POOL.peek() is None
    workers.stop()  # idempotent: a second site_written or a new run


def _nap_then_clock(seconds: float) -> float:
    time.sleep(seconds)
    return time.monotonic()  # system-wide on Linux: comparable between processes


def test_work_wanted_sooner_overtakes_held_back_work():
    # Five cards queued first, then one share text: a first-in-first-out pool would finish
    # the text last; the held-back lane lets it in after at most the card in the worker.
    settings = {"SHAREWELL_WORKERS": 1}
    cards = [workers.submit_later(settings, _nap_then_clock, 0.3) for _ in range(5)]
    text = workers.submit(settings, _nap_then_clock, 0.0)
    assert all(card is not None for card in cards) and text is not None
    finished = [card.result(timeout=60) for card in cards]
    assert text.result(timeout=60) < finished[2]
    assert finished == sorted(finished)  # held-back work keeps its own order


def test_held_back_work_can_be_cancelled_fails_like_work_and_stops_with_the_pool():
    settings = {"SHAREWELL_WORKERS": 1}
    first = workers.submit_later(settings, _nap_then_clock, 0.3)
    skipped = workers.submit_later(settings, _nap_then_clock, 0.0)
    broken = workers.submit_later(settings, operator.truediv, 1, 0)
    assert skipped.cancel()  # not handed to a worker yet
    assert isinstance(broken.exception(timeout=60), ZeroDivisionError)
    assert first.done() and skipped.cancelled()
    assert not first.cancel()  # handed to a worker: too late, as with the pool's own futures
    never = [workers.submit_later(settings, _nap_then_clock, 0.5) for _ in range(4)]
    workers.stop()  # returns: nothing left waits on a worker
    assert all(f.done() for f in never)
    with pytest.raises(CancelledError):
        never[-1].result(timeout=0)
    assert workers.submit_later({"SHAREWELL_WORKERS": 0}, operator.add, 1, 2) is None


def test_started_work_is_waited_for_not_done_twice(tmp_path: Path):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    job = _job("A worker is fitting this one")
    fits = fitting.RUN.get(settings)
    running: Future = Future()
    assert running.set_running_or_notify_cancel()
    worker_answer = ["From the worker", "", [], False, 42]
    threading.Timer(0.2, running.set_result, [[worker_answer]]).start()
    fits.pending.watch(running, [fitting.job_key(job)])
    post, length = fits.get(job)
    assert (post.title, length) == ("From the worker", 42)  # the worker's, not a second fit
    queued: Future = Future()  # not started: cancelled and fitted here
    other = _job("Nobody started this one")
    fits.pending.watch(queued, [fitting.job_key(other)])
    assert fits.get(other)[0] == fit(*other) and queued.cancelled()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SHAREWELL_WORKERS", -1),
        ("SHAREWELL_WORKERS", "two"),
        ("SHAREWELL_WORKER_NICE", 40),
        ("SHAREWELL_START_METHOD", "threads"),
    ],
)
def test_bad_worker_settings_name_the_setting(key, value):
    with pytest.raises(SettingsError) as raised:
        workers.pool({key: value})
    assert key in str(raised.value)


def _job(title: str) -> fitting.Job:
    rule = NETWORKS["x"].rule
    return (title, "What to do first.", ("firstaid",), "https://example.org/a/", rule)


def test_fitted_share_texts_are_kept_between_builds_and_match_fitting_directly(tmp_path: Path):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    title = "How to help someone who is choking <b>now</b> & what to say " * 8
    job = _job(title)
    direct = fit(*job)
    post, length = fitting.RUN.get(settings).get(job)
    assert post == direct
    assert length == job[4].counter(direct.text)
    assert fitting.RUN.peek().save() == {"fitted": 1, "reused": 0}
    fitting.RUN.drop()

    again, _ = fitting.RUN.get(settings).get(job)
    assert again == direct
    other, _ = fitting.RUN.get(settings).get(_job("Another title"))  # new inputs: fitted anew
    assert fitting.RUN.peek().save() == {"fitted": 1, "reused": 1}
    assert other == fit(*_job("Another title"))


def test_a_damaged_share_text_cache_is_ignored(tmp_path: Path):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    fits = fitting.RUN.get(settings)
    fits.file.parent.mkdir(parents=True)
    for damage in ("{not json", json.dumps({"k": "not a list"}), json.dumps([1, 2])):
        fits.file.write_text(damage, encoding="utf-8")
        fitting.RUN.drop()
        post, _ = fitting.RUN.get(settings).get(_job("Title"))
        assert post == fit(*_job("Title"))


def test_check_answers_are_kept_per_file_bytes_and_day(tmp_path: Path):
    source = tmp_path / "a.md"
    source.write_text("Title: A\n\nBody.\n", encoding="utf-8")
    memo = cache.CheckMemo(tmp_path / "cache", "fingerprint-1")
    key = memo.key(source, "article", "2026-12-01")
    found = [Problem("a.md", "summary", "no summary", "add one", "warning", line=1)]
    assert memo.get(key) is None
    memo.put(key, found)
    memo.save()

    kept = cache.CheckMemo(tmp_path / "cache", "fingerprint-1")
    assert kept.get(key) == found
    assert kept.key(source, "article", "2026-12-02") != key  # another day: checked again
    source.write_text("Title: B\n\nBody.\n", encoding="utf-8")
    assert kept.key(source, "article", "2026-12-01") != key  # another text: checked again
    assert cache.CheckMemo(tmp_path / "cache", "fingerprint-2").get(key) is None  # new plugins
    assert kept.key(tmp_path / "missing.md", "article", "2026-12-01") is None
    for damage in ("{broken", "[1, 2]", json.dumps({"fingerprint": "fingerprint-1",
                                                   "files": {key: [{"file": ""}]}})):  # fmt: skip
        (tmp_path / "cache" / cache.CHECKS_FILE).write_text(damage, encoding="utf-8")
        assert cache.CheckMemo(tmp_path / "cache", "fingerprint-1").get(key) is None


def test_the_desk_memo_survives_damaged_entries(tmp_path: Path):
    page = tmp_path / "output" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><meta property="og:title" content="A &amp; B"></head><body></body></html>',
        encoding="utf-8",
    )
    memo = DeskMemo(tmp_path / "cache", "templates-1")
    tags = memo.head(page)
    assert tags == crawl.read_head(page.read_text(encoding="utf-8"))
    assert memo.unchanged("a", {"row": 1}, page) is False  # nothing kept yet
    memo.save()
    kept = DeskMemo(tmp_path / "cache", "templates-1")
    assert kept.head(page) == tags
    assert kept.unchanged("a", {"row": 1}, page) is True
    assert kept.unchanged("a", {"row": 2}, page) is False  # another row: render the page
    assert DeskMemo(tmp_path / "cache", "templates-2").unchanged("a", {"row": 1}, page) is False
    memo_file = tmp_path / "cache" / "editors_desk" / "memo.json"
    data = json.loads(memo_file.read_text(encoding="utf-8"))
    assert all(isinstance(text, str) for text in data["heads"].values())  # one text a head
    for damaged in (
        [["too", "many", "fields", "here", "x", "y"]],  # version 1's lists
        json.dumps([["too", "many", "fields", "here", "x", "y"]]),
        json.dumps([["meta", "property", "og:title", 5]]),
        json.dumps("meta"),
        "{not json",
        None,
    ):
        data["heads"] = dict.fromkeys(data["heads"], damaged)
        memo_file.write_text(json.dumps(data), encoding="utf-8")
        assert DeskMemo(tmp_path / "cache", "templates-1").head(page) == tags, damaged
    memo_file.write_text("[]", encoding="utf-8")
    assert DeskMemo(tmp_path / "cache", "templates-1").head(page) == tags


def test_the_desk_memo_gives_a_kept_head_without_parsing_it_again(tmp_path: Path, monkeypatch):
    page = tmp_path / "output" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><title>A "B" — ail</title><meta name="description" content="<b>x</b>">'
        '<link rel="canonical" href="https://www.sharewell.org.uk/a/"></head></html>',
        encoding="utf-8",
    )
    memo = DeskMemo(tmp_path / "cache", "templates-1")
    tags = memo.head(page)
    memo.save()

    def parse_again(text):
        raise AssertionError("a kept head was parsed again")

    monkeypatch.setattr(crawl, "read_head", parse_again)
    assert DeskMemo(tmp_path / "cache", "templates-1").head(page) == tags


def test_check_answers_are_asked_again_when_the_content_folder_gains_a_file(tmp_path: Path):
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    before = cache.content_tree(content)
    assert cache.content_tree(content) == before  # names only, stable
    (content / "images" / "kit.png").write_bytes(b"png")
    after = cache.content_tree(content)
    assert after != before
    source = content / "a.md"
    source.write_text("Title: A\n\nBody.\n", encoding="utf-8")
    one = cache.CheckMemo(tmp_path / "cache", "f", tree=before).key(source, "article", "d")
    two = cache.CheckMemo(tmp_path / "cache", "f", tree=after).key(source, "article", "d")
    assert one != two


def test_an_inbox_keeps_results_as_they_arrive_and_drops_their_futures():
    import gc
    import weakref

    inbox: workers.Inbox[str, str] = workers.Inbox()
    future: Future = Future()
    assert future.set_running_or_notify_cancel()
    inbox.watch(future, ["a", "b"])
    watched = weakref.ref(future)
    future.set_result(["for a", "for b"])
    del future
    gc.collect()
    assert watched() is None, "a finished future was kept"
    assert "a" in inbox and len(inbox) == 2
    assert inbox.take("a") == (True, "for a") and inbox.take("a") == (False, None)
    assert inbox.take("b") == (True, "for b") and len(inbox) == 0
    assert inbox.take("never submitted") == (False, None)


def test_an_inbox_cancels_unstarted_work_and_reports_failed_work_as_not_done():
    inbox: workers.Inbox[str, int] = workers.Inbox()
    queued: Future = Future()  # no worker has started it
    inbox.watch(queued, ["x", "y"])
    assert inbox.take("x") == (False, None) and queued.cancelled()
    assert inbox.take("y") == (False, None)  # the same task: do it here too
    failed: Future = Future()
    assert failed.set_running_or_notify_cancel()
    inbox.watch(failed, "z", many=False)
    failed.set_exception(RuntimeError("the worker died"))
    assert inbox.take("z") == (False, None)
    waited: Future = Future()
    inbox.watch(waited, "w", many=False)

    def start_then_finish():
        waited.set_running_or_notify_cancel()
        waited.set_result(7)

    threading.Timer(0.2, start_then_finish).start()
    assert inbox.take("w", wait_unstarted=True) == (True, 7)
    late: Future = Future()
    inbox.watch(late, "v", many=False)
    inbox.cancel()
    assert late.cancelled() and len(inbox) == 0


def test_an_inbox_takes_results_while_they_arrive_on_another_thread():
    inbox: workers.Inbox[int, int] = workers.Inbox()
    futures = [Future() for _ in range(2000)]
    for number, future in enumerate(futures):
        assert future.set_running_or_notify_cancel()
        inbox.watch(future, number, many=False)

    def finish():
        for number, future in enumerate(futures):
            future.set_result(number * 3)

    thread = threading.Thread(target=finish)
    thread.start()
    taken = [inbox.take(number) for number in range(2000)]
    thread.join()
    assert taken == [(True, number * 3) for number in range(2000)] and len(inbox) == 0


def test_an_inbox_with_a_real_pool_gives_each_key_its_own_result(tmp_path: Path):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 1}
    inbox: workers.Inbox[str, list] = workers.Inbox()
    jobs = [_job("First <b>aid</b> & CPR"), _job('Second: 🚑 "quoted" / slash')]
    try:
        assert inbox.submit(settings, ["one", "two"], fitting.fit_many, jobs)
        assert inbox.take("two", wait_unstarted=True) == (True, fitting.fit_one(jobs[1]))
        assert inbox.take("one", wait_unstarted=True) == (True, fitting.fit_one(jobs[0]))
    finally:
        workers.stop()
    assert workers.Inbox().submit({"SHAREWELL_WORKERS": 0}, "k", len, "x", many=False) is False
