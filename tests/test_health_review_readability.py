"""Readability is scored once per distinct text and the scores survive between builds."""

from __future__ import annotations

import textstat
from health_review import readability

TEXT = "Call 999 if someone is not breathing. Start chest compressions. Push hard and fast. " * 20


def test_scores_match_textstat_and_are_memoised(monkeypatch):
    ease, per_sentence = readability.scores(TEXT)
    assert ease == float(textstat.flesch_reading_ease(TEXT))
    assert per_sentence == float(textstat.words_per_sentence(TEXT))

    def fail(_text):
        raise AssertionError("textstat was called again for the same text")

    monkeypatch.setattr(textstat, "flesch_reading_ease", fail)
    assert readability.scores(TEXT) == (ease, per_sentence)


def test_scores_are_saved_and_loaded(tmp_path, monkeypatch):
    readability.load(tmp_path)
    expected = readability.scores(TEXT + " Extra.")
    readability.save(tmp_path)
    assert readability.cache_file(tmp_path).is_file()

    monkeypatch.setattr(readability, "_scores", {})
    monkeypatch.setattr(textstat, "flesch_reading_ease", lambda _t: 0.0)
    readability.load(tmp_path)
    assert readability.scores(TEXT + " Extra.") == expected


def test_a_damaged_cache_is_ignored(tmp_path):
    path = readability.cache_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    readability.load(tmp_path)  # no exception
    assert readability.scores(TEXT)[0] > 0
