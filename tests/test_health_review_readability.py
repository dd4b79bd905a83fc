"""Readability: scored once per page, early if there are workers, kept between builds."""

from __future__ import annotations

import textstat
from health_review import readability
from kernel import workers

TEXT = "Call 999 if someone is not breathing. Start chest compressions. Push hard and fast. " * 20
PAGE = "<h2>What to do</h2>" + "".join(f"<p>{s.strip()}.</p>" for s in TEXT.split(".") if s)
SHORT = "<p>Call 999.</p>"


def start(settings):
    """Start a build's page scores and worker pool with ``settings`` (``load``: defaults)."""
    workers.stop()
    readability.RUN.drop()
    return readability.RUN.get(settings)


def test_scores_match_textstat_and_are_memoised(monkeypatch):
    ease, per_sentence = readability.scores(TEXT)
    assert ease == float(textstat.flesch_reading_ease(TEXT))
    assert per_sentence == float(textstat.words_per_sentence(TEXT))

    def fail(_text):
        raise AssertionError("textstat was called again for the same text")

    monkeypatch.setattr(textstat, "flesch_reading_ease", fail)
    assert readability.scores(TEXT) == (ease, per_sentence)


def test_page_scores_are_kept_between_builds_and_counted(tmp_path, monkeypatch):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    start(settings)
    expected = readability.page_scores(settings, PAGE)
    assert expected == readability.scores(readability.readability_text(PAGE))
    assert readability.page_scores(settings, SHORT) is None  # too short to score
    assert readability.save() == {"scored": 1, "reused": 0}  # the short page is not scored
    assert readability.cache_file(tmp_path).is_file()

    monkeypatch.setattr(readability, "_textstat", lambda _t: [0.0, 0.0])
    start(settings)
    assert readability.page_scores(settings, PAGE) == expected
    assert readability.page_scores(settings, SHORT) is None
    assert readability.save() == {"scored": 0, "reused": 2}


def test_a_page_scored_by_a_worker_gives_the_same_scores(tmp_path):
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 1}
    text = readability.readability_text(PAGE)
    expected = (textstat.flesch_reading_ease(text), textstat.words_per_sentence(text))
    start(settings)
    try:
        readability.prefetch(settings, PAGE)
        assert len(readability.RUN.peek().pending) == 1
        assert readability.page_scores(settings, PAGE) == expected  # waits for the worker
        assert readability.save()["scored"] == 1
    finally:
        workers.stop()


def test_a_damaged_cache_is_ignored(tmp_path):
    path = readability.cache_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    readability.load(tmp_path)  # no exception
    assert readability.page_scores(settings, PAGE)[0] > 0
    readability.save()


def test_a_page_a_worker_is_scoring_is_waited_for_not_scored_twice(tmp_path):
    import threading
    from concurrent.futures import Future

    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 0}
    readability.load(tmp_path)
    run = readability.RUN.get(settings)
    running: Future = Future()
    assert running.set_running_or_notify_cancel()
    threading.Timer(0.2, running.set_result, [[12.5, 30.0]]).start()
    run.pending.watch(running, f"{readability.MIN_WORDS}:{readability._key(PAGE)}", many=False)
    assert readability.page_scores(settings, PAGE) == (12.5, 30.0)
    assert readability.save()["scored"] == 1


def test_with_a_pool_pelicans_process_never_scores_a_page(tmp_path, monkeypatch):
    """Queued, never prefetched or too short: a worker scores it; textstat never runs here.

    Scoring here would load textstat's dictionary into Pelican's process for the rest of the
    build (about 75 MB). Spawned workers do not inherit this test's patch.
    """
    settings = {
        "CACHE_PATH": str(tmp_path),
        "SHAREWELL_WORKERS": 1,
        "SHAREWELL_START_METHOD": "spawn",
    }
    queued = PAGE + "<p>One more line, so this page has its own hash.</p>"
    fresh = PAGE + "<p>A page nobody prefetched: a writer's <b>edit</b> \u202e\x07 & more.</p>"
    expected = {}
    for page in (queued, fresh):
        text = readability.readability_text(page)
        expected[page] = (textstat.flesch_reading_ease(text), textstat.words_per_sentence(text))

    def here(_text):
        raise AssertionError("textstat ran in Pelican's process")

    monkeypatch.setattr(readability, "_textstat", here)
    monkeypatch.setattr(readability, "_scores", {})
    start(settings)
    try:
        readability.prefetch(settings, queued)  # may well not have started when asked for
        assert readability.page_scores(settings, queued) == expected[queued]
        assert readability.page_scores(settings, fresh) == expected[fresh]
        assert readability.page_scores(settings, SHORT) is None
        assert readability.save()["scored"] == 2  # the short page was not scored
    finally:
        workers.stop()


def test_a_broken_pool_still_scores_every_page_here(tmp_path, monkeypatch):
    from concurrent.futures import Future

    settings = {"CACHE_PATH": str(tmp_path), "SHAREWELL_WORKERS": 1}
    start(settings)
    broken: Future = Future()
    broken.set_exception(RuntimeError("a worker was killed"))
    monkeypatch.setattr(workers, "submit", lambda *_args: broken)
    monkeypatch.setattr(readability, "_scores", {})
    text = readability.readability_text(PAGE)
    expected = (textstat.flesch_reading_ease(text), textstat.words_per_sentence(text))
    assert readability.page_scores(settings, PAGE) == expected
    assert readability.save()["scored"] == 1
