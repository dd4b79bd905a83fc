"""docs/writing.md: its example articles build with no warning at all, as the guide promises."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kernel.sources import check_file
from tools.site import load_settings, register_plugins

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "writing.md"
EXAMPLE = re.compile(r'^```markdown title="example: ([^"]+)"\n(.*?)^```$', re.M | re.S)
TODAY = "2026-11-20"  # the guide's dates are written around this day


def examples() -> dict[str, str]:
    return dict(EXAMPLE.findall(GUIDE.read_text(encoding="utf-8")))


def test_the_guide_has_examples_for_advice_news_and_scheduling():
    found = examples()
    assert len(found) >= 3
    assert any("content_type: advice" in text for text in found.values())
    assert any("Status: scheduled" in text for text in found.values())
    assert any("share_text_x:" in text for text in found.values())


def test_the_guide_covers_every_topic_it_must():
    text = GUIDE.read_text(encoding="utf-8")
    for needle in ('invoke new "', "image_alt", "!!! emergency", "og_title", "share_text",
                   "last_reviewed", "next_review", "Status: scheduled", "SHAREWELL_TODAY",
                   "pre-commit install", "invoke check"):  # fmt: skip
        assert needle in text, needle


def test_every_field_a_plugin_declares_is_explained():
    from kernel.signals import declared_keys

    settings = load_settings(ROOT)
    register_plugins(settings)
    declared = {name for name, key in declared_keys(settings).items() if key.owner != "pelican"}
    networks = {k for k in declared if k.startswith("share_text_")}
    text = GUIDE.read_text(encoding="utf-8")
    for key in sorted(declared - networks):
        assert f"`{key}`" in text, key
    for key in sorted(networks):
        assert key in text, key


@pytest.mark.parametrize("name", sorted(examples()))
def test_each_example_passes_the_commit_checks(name, monkeypatch, tmp_path):
    monkeypatch.setenv("SHAREWELL_TODAY", TODAY)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "images", content / "images")  # what the examples show
    path = content / "articles" / name
    path.parent.mkdir(parents=True)
    path.write_text(examples()[name], encoding="utf-8")
    settings = {**load_settings(ROOT), "PATH": str(content)}
    register_plugins(settings)
    problems = check_file(path, settings)
    assert problems == []
    category = re.search(r"^Category: (.+)$", examples()[name], re.M)[1]
    assert path.parent.name == category.lower().replace(" ", "-")


def test_examples_build_strictly_and_the_scheduled_one_waits(tmp_path):
    content = tmp_path / "content"
    # The real site plus the examples: pages link to every section, as they do live.
    shutil.copytree(ROOT / "content", content)
    for name, text in examples().items():
        target = content / "articles" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    plugins = [p for p in pelicanconf.PLUGINS if isinstance(p, str)]
    plugins += [] if "scheduling" in plugins else ["scheduling"]
    output, preview = tmp_path / "output", tmp_path / "scheduled"
    overrides = {
        "PATH": str(content),
        "CACHE_PATH": str(tmp_path / "cache"),
        "PLUGINS": json.dumps(plugins),
        "SHAREWELL_TODAY": TODAY,
        "SHAREWELL_PRIVATE_PATH": str(preview),
        "OG_CARDS_WORKERS": "0",  # the machine's cores are shared: render in-process
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SHAREWELL_TODAY": TODAY}
    result = subprocess.run(
        [sys.executable, "-m", "tools.build", "-s", "pelicanconf.py", "-o", str(output),
         "--strict", "-q", "--no-atomic", "-e", *(f"{k}={v}" for k, v in overrides.items())],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Build problems" not in result.stderr
    assert (output / "first-aid" / "treating-a-sprain" / "index.html").is_file()
    assert (output / "living-well" / "new-walking-group" / "index.html").is_file()
    assert not (output / "training" / "winter-first-aid-courses").exists()
    scheduled = json.loads((preview / "scheduled.json").read_text(encoding="utf-8"))
    assert [a["goes_live"] for a in scheduled["articles"]] == ["2027-01-12"]
