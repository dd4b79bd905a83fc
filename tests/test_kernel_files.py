"""Files written whole or not at all (kernel.files): exports, cards, image copies and memos."""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kernel import files
from share_snippets.export import write_all, write_scheduler


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_file_is_written_whole_and_replaces_the_old_one(tmp_path: Path):
    target = tmp_path / "deep" / "er" / "snippets.json"
    files.write_text(target, "first\n")
    files.write_text(target, "second — ail\n")
    files.write_bytes(tmp_path / "card.png", b"\x89PNG\r\n")
    assert target.read_text(encoding="utf-8") == "second — ail\n"
    assert (tmp_path / "card.png").read_bytes() == b"\x89PNG\r\n"
    assert _leftovers(target.parent) == [] and _leftovers(tmp_path) == []


def test_an_error_while_writing_keeps_the_old_file_and_no_temporary_one(tmp_path: Path):
    target = tmp_path / "schedule-x.csv"
    files.write_text(target, "date,time_24hr,message_text\nold,row,kept\n")
    files.write_text(tmp_path / "snippets.json", "{}\n")
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def messages():
        yield when, "new"
        raise RuntimeError("a record could not be made")

    with pytest.raises(RuntimeError):
        write_scheduler(tmp_path, "x", messages(), 350)
    assert target.read_text(encoding="utf-8").endswith("old,row,kept\n")

    def records():
        yield {"slug": "a", "networks": {}, "bad": object()}

    with pytest.raises(TypeError):
        write_all(tmp_path, {"version": 1, "articles": records()}, count=1, start=when,
                  spacing_minutes=10, scheduler_networks=["x"])  # fmt: skip
    assert (tmp_path / "snippets.json").read_text(encoding="utf-8") == "{}\n"
    assert not (tmp_path / "snippets.csv").exists()
    assert target.read_text(encoding="utf-8").endswith("old,row,kept\n")
    assert _leftovers(tmp_path) == []


def test_written_files_follow_the_umask_so_the_web_server_can_read_them(tmp_path: Path):
    # mkstemp's 0600 would make every card and export a 403 for nginx's own user.
    old = os.umask(0o022)
    try:
        files.write_bytes(tmp_path / "card.png", b"png")
        with files.replaced(tmp_path / "snippets.json") as handle:
            handle.write("{}")
    finally:
        os.umask(old)
    for name in ("card.png", "snippets.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_a_killed_build_leaves_the_last_whole_file(tmp_path: Path):
    target = tmp_path / "snippets.json"
    files.write_text(target, '{"whole": true}\n')
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parents[1] / "plugins")!r})
        from kernel import files
        with files.replaced(__import__("pathlib").Path({str(target)!r})) as handle:
            handle.write('{{"half": ')
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == '{"whole": true}\n'


def _write_many(target: str, letter: str) -> None:
    for _ in range(40):
        files.write_text(Path(target), letter * 200_000)


def test_concurrent_writers_never_mix_their_files(tmp_path: Path):
    target = tmp_path / "manifest.json"
    files.write_text(target, "a" * 200_000)
    writers = [
        multiprocessing.get_context("fork").Process(target=_write_many, args=(str(target), x))
        for x in "ab"
    ]
    for writer in writers:
        writer.start()
    seen = set()
    while any(writer.is_alive() for writer in writers):
        text = target.read_text(encoding="utf-8")
        assert len(text) == 200_000 and len(set(text)) == 1
        seen.add(text[0])
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0
    assert _leftovers(tmp_path) == [] and seen


def test_a_symlinked_target_is_replaced_not_written_through(tmp_path: Path):
    elsewhere = tmp_path / "outside.txt"
    elsewhere.write_text("not ours", encoding="utf-8")
    link = tmp_path / "export.csv"
    link.symlink_to(elsewhere)
    files.write_text(link, "ours\n")
    assert elsewhere.read_text(encoding="utf-8") == "not ours"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "ours\n"


def test_only_new_files_can_be_opened(tmp_path: Path):
    with pytest.raises(ValueError, match="'a'"), files.replaced(tmp_path / "x", "a"):
        pass
