"""`invoke desk`: builds with the dev settings, then opens (or prints) the desk and serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tasks(monkeypatch, tmp_path):
    """tasks.py with the build, the server and the browser replaced by recorders."""
    import tasks as module

    calls: dict[str, list] = {"build": [], "serve": [], "open": []}

    def fake_build(c, settings, **options):
        calls["build"].append((settings, options))
        (tmp_path / "_desk").mkdir(exist_ok=True)
        (tmp_path / "_desk" / "index.html").write_text("desk", encoding="utf-8")

    monkeypatch.setitem(module.CONFIG, "deploy_path", tmp_path)
    monkeypatch.setattr(module, "_pelican_build", fake_build)
    monkeypatch.setattr(module, "serve", calls["serve"].append)
    monkeypatch.setattr("webbrowser.open", calls["open"].append)
    monkeypatch.setattr("threading.Timer", _ImmediateTimer)
    return module, calls


class _ImmediateTimer:
    def __init__(self, delay, function, args=()):
        self.function, self.args = function, args

    def start(self):
        self.function(*self.args)


def test_desk_builds_with_dev_settings_prints_url_and_serves(tasks, capsys, monkeypatch):
    module, calls = tasks
    monkeypatch.setattr(module, "_has_gui_browser", lambda: False)
    module.desk.body(object())
    settings, options = calls["build"][0]
    assert settings == module.CONFIG["settings_base"]
    assert options.get("warn") is True
    url = f"http://{module.CONFIG['host']}:{module.CONFIG['port']}/_desk/"
    assert url in capsys.readouterr().out
    assert calls["open"] == []
    assert len(calls["serve"]) == 1


def test_desk_opens_a_browser_when_there_is_one(tasks, monkeypatch):
    module, calls = tasks
    monkeypatch.setattr(module, "_has_gui_browser", lambda: True)
    module.desk.body(object())
    assert calls["open"] == [f"http://{module.CONFIG['host']}:{module.CONFIG['port']}/_desk/"]
    calls["open"].clear()
    module.desk.body(object(), no_open=True)
    assert calls["open"] == []


def test_no_browser_without_a_display(monkeypatch):
    import tasks as module

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert module._has_gui_browser() is False


def test_desk_is_listed():
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "desk" in listing.split()
