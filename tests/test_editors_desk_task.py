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

    def fake_run(server, what, path=""):  # the real server is bound; it is not started
        calls["serve"].append((server.server_address, path))
        server.server_close()

    monkeypatch.setitem(module.CONFIG, "deploy_path", tmp_path)
    monkeypatch.setattr(module, "_pelican_build", fake_build)
    monkeypatch.setattr("tools.devserver.run", fake_run)
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
    monkeypatch.setattr("tools.devserver.has_gui_browser", lambda: False)
    module.desk.body(object(), port=0)
    settings, options = calls["build"][0]
    assert settings == module.CONFIG["settings_base"]
    assert options.get("warn") is True
    [((host, port), path)] = calls["serve"]
    assert (host, path) == ("127.0.0.1", "_desk/")
    assert f"Editor's desk: http://127.0.0.1:{port}/_desk/" in capsys.readouterr().out
    assert calls["open"] == []


def test_desk_opens_a_browser_when_there_is_one(tasks, monkeypatch):
    module, calls = tasks
    monkeypatch.setattr("tools.devserver.has_gui_browser", lambda: True)
    module.desk.body(object(), port=0)
    [((_, port), _)] = calls["serve"]
    assert calls["open"] == [f"http://127.0.0.1:{port}/_desk/"]
    calls["open"].clear()
    module.desk.body(object(), no_open=True, port=0)
    assert calls["open"] == []


def test_no_browser_without_a_display(monkeypatch):
    from tools.devserver import has_gui_browser

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert has_gui_browser() is False


def test_desk_is_listed():
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "desk" in listing.split()
