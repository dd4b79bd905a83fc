"""The layers of docs/architecture.md, and the drifts the kernel ended, each caught by a test."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_report, copy_content
from kernel.problems import Severity

PLUGINS = ROOT / "plugins"
PLUGIN_PACKAGES = sorted(
    p.name
    for p in PLUGINS.iterdir()
    if (p / "__init__.py").exists() and p.name not in {"kernel", "tools"}
)


def python_files(package: str) -> list[Path]:
    return sorted((PLUGINS / package).rglob("*.py"))


def test_import_contracts_hold():
    """tools > plugins > kernel, and no plugin imports another (import-linter, as `invoke lint`)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(PLUGINS)}
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_plugin_package_is_in_the_import_contracts():
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for name in PLUGIN_PACKAGES:
        assert f'"{name}"' in config, f"{name} is not in [tool.importlinter]"


@pytest.mark.parametrize("package", PLUGIN_PACKAGES)
def test_plugins_keep_no_per_run_state_in_module_globals(package):
    """Per-run state lives in a RunSlot object; no `global`, no module-level `_state` dicts."""
    for path in python_files(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.Global), f"{path}:{node.lineno} uses `global`"
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            targets += [node.target] if isinstance(node, ast.AnnAssign) else []
            value = getattr(node, "value", None)
            for target in targets:
                name = getattr(target, "id", "")
                mutable = isinstance(value, ast.Dict | ast.List) and not name.isupper()
                assert not (mutable and "state" in name.lower()), f"{path}: module state {name}"


def test_no_sys_path_patching_outside_the_settings_files_and_tasks():
    allowed = {ROOT / "pelicanconf.py", ROOT / "publishconf.py", ROOT / "tasks.py"}
    for path in PLUGINS.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.path" not in text or path in allowed, path
        assert "parents[2]" not in text, f"{path} guesses the repository from its own location"


def test_the_desk_templates_ship_with_the_plugin_not_the_theme():
    assert not (ROOT / "theme" / "templates" / "desk").exists()
    assert (PLUGINS / "editors_desk" / "templates" / "desk" / "index.html").is_file()


# ---- the drifts, end to end ---------------------------------------------------------------
SETTINGS = {"OG_CARDS_WORKERS": 0, "READER_FEATURES_SEARCH": False, "SHAREWELL_TODAY": "2026-11-30"}


@pytest.fixture(scope="module")
def hidden_site(tmp_path_factory):
    """The real content with one article published but not listed (Status: hidden)."""
    root = tmp_path_factory.mktemp("hidden")
    content = copy_content(root / "content")
    article = content / "articles" / "first-aid" / "burns-and-scalds.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Title:", "Status: hidden\nTitle:", 1), encoding="utf-8")
    return build_report(root / "output", content_path=content, settings=SETTINGS)


def test_a_hidden_article_gets_link_preview_tags_a_card_and_share_links(hidden_site):
    page = hidden_site.output / "first-aid" / "burns-and-scalds" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    image = soup.find("meta", property="og:image")
    assert soup.find("meta", property="og:title") and image
    card = image["content"].split("/og/", 1)[1]
    assert (hidden_site.output / "og" / card).is_file()
    assert soup.select("a[href*='utm_source']"), "the share block is missing"
    listed = (hidden_site.output / "first-aid" / "index.html").read_text(encoding="utf-8")
    assert "burns-and-scalds" not in listed  # hidden: not listed, but shared by link


def test_one_summary_rule_for_the_build_and_the_pre_commit_hook(tmp_path):
    from kernel.sources import check_file
    from tools.site import load_settings, register_plugins

    content = copy_content(tmp_path / "content")
    article = content / "articles" / "first-aid" / "burns-and-scalds.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    lines = [f"Summary: {'Cool the burn. ' * 12}".rstrip() if x.startswith("Summary:") else x
             for x in lines]  # fmt: skip
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = {**load_settings(ROOT), "PATH": str(content), **SETTINGS}
    register_plugins(settings)
    [hook] = [p for p in check_file(article, settings) if p.field == "summary"]
    report = build_report(tmp_path / "out", content_path=content, settings=SETTINGS)
    [built] = [p for p in report.problems if p.field == "summary" and "burns" in p.file]
    assert hook == built
    assert built.severity is Severity.ERROR and "179 characters" in built.problem


def test_one_today_moves_scheduling_and_review_dates_together(tmp_path):
    """`-e SHAREWELL_TODAY=…` is the only clock: both plugins and every tool follow it."""
    content = copy_content(tmp_path / "content")
    folder = content / "articles" / "first-aid"
    template = (folder / "burns-and-scalds.md").read_text(encoding="utf-8")
    future = template.replace("Slug: burns-and-scalds", "Slug: winter-burns")
    lines = [
        ("Date: 2031-01-10 09:00" if x.startswith("Date:") else x) for x in future.splitlines()
    ]
    (folder / "winter-burns.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    late = {**SETTINGS, "SHAREWELL_TODAY": "2031-01-10"}
    report = build_report(tmp_path / "out", content_path=content, settings=late)
    assert (report.output / "first-aid" / "winter-burns" / "index.html").is_file()
    overdue = [p for p in report.problems if "review overdue" in p.problem]
    assert overdue, "reviews from 2025 are overdue in 2031: health_review must use the same today"


def test_keys_are_known_because_the_plugin_that_reads_them_declares_them(tmp_path):
    from kernel.sources import check_file
    from tools.site import load_settings, register_plugins

    content = copy_content(tmp_path / "content")
    article = content / "articles" / "first-aid" / "burns-and-scalds.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("Title:", "share_text_facebook: Cool a burn for 20 minutes.\n"
                     "og_layout: photo\ncard_colour: red\nTitle:", 1),
        encoding="utf-8",
    )  # fmt: skip
    settings = {**load_settings(ROOT), "PATH": str(content), **SETTINGS}
    register_plugins(settings)
    unknown = {
        p.field for p in check_file(article, settings) if "unknown metadata key" in p.problem
    }
    assert unknown == {"og_layout", "card_colour"}


def test_the_hook_counts_the_share_link_as_the_build_writes_it(tmp_path):
    """The pre-commit check builds the link with the site's campaign settings, as the build does.

    Bluesky counts the link as written, so its utm_* parameters decide whether a text fits.
    """
    from kernel.sources import check_file
    from tools.site import load_settings, register_plugins

    content = copy_content(tmp_path / "content")
    article = content / "articles" / "first-aid" / "burns-and-scalds.md"
    text = article.read_text(encoding="utf-8")
    share = ("Cool a burn under cold running water for twenty minutes. " * 4)[:225].strip()
    article.write_text(text.replace("Title:", f"share_text_bluesky: {share}\nTitle:", 1), "utf-8")
    base = {**load_settings(ROOT), "PATH": str(content), **SETTINGS}
    register_plugins(base)
    for utm, cut in ((True, True), (False, False)):
        settings = {**base, "SHARE_SNIPPETS_UTM": utm}
        found = [p for p in check_file(article, settings) if p.field == "share_text_bluesky"]
        assert bool(found) is cut, (utm, found)


def test_plugin_order_does_not_change_the_site(tmp_path):
    """Plugins meet through the kernel, not through their place in PLUGINS."""
    from pelican.settings import read_settings

    order = read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    pages = (
        "index.html", "first-aid/how-to-do-cpr/index.html", "feeds/all.rss.xml",
        "feeds/all.atom.xml", "sitemap.xml", "published-urls.json",
    )  # fmt: skip
    built = []
    for name, plugins in (("forward", order), ("reversed", list(reversed(order)))):
        cache = tmp_path / f"cache-{name}"
        out = tmp_path / "out"  # the same path: absolute URLs and paths must not differ
        shutil.rmtree(out, ignore_errors=True)
        report = build_report(
            out, settings={**SETTINGS, "PLUGINS": plugins, "EDITORS_DESK_ENABLED": True},
            cache=cache,
        )  # fmt: skip
        built.append({p: (report.output / p).read_bytes() for p in pages})
        private = report.output.with_name(f"{report.output.name}-private")
        built[-1]["snippets"] = (private / "share" / "snippets.json").read_bytes()
        shutil.rmtree(private, ignore_errors=True)
        desk = (report.output / "_desk" / "index.html").read_text("utf-8")
        # the desk says when it was built: two builds may straddle a minute
        built[-1]["desk"] = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "<time>", desk)
        built[-1]["problems"] = sorted(p.identity for p in report.problems)
    assert built[0] == built[1]
