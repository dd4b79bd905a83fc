"""What each install brings: pyproject.toml's extras against every place that installs them."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
EXTRAS = PROJECT["optional-dependencies"]
# `pip install -e .`, `pip install -e '.[test]'`, `pip install -e ".[a,b]"`
INSTALL = re.compile(r"pip install(?: [-\w=]+)* -e ['\"]?\.(?:\[([\w,\s-]*)\])?['\"]?")
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / ".ci" / "run",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "plugins").glob("**/README.md")),
]
# Only these modules import the deploy extra's packages, and only when that target is used.
DEPLOY_ONLY = {"tools/deploy/s3.py": {"boto3", "botocore"}, "tools/deploy/ghpages.py": set()}


def installs(path: Path) -> list[set[str]]:
    """Return the extras of each `pip install -e .[...]` in a file (empty set: the base)."""
    text = path.read_text(encoding="utf-8")
    return [
        {e.strip() for e in (m.group(1) or "").split(",") if e.strip()}
        for m in INSTALL.finditer(text)
    ]


def requirements(names: set[str]) -> list[Requirement]:
    """Return the base requirements plus those of the named extras (self-references expanded)."""
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    todo = list(names)
    seen: set[str] = set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for raw in EXTRAS[extra]:
            req = Requirement(raw)
            if canonicalize_name(req.name) == canonicalize_name(PROJECT["name"]):
                todo += sorted(req.extras)
            else:
                found.append(req)
    return found


def distributions(names: set[str]) -> set[str]:
    """Return every distribution an install of ``names`` brings, dependencies included."""
    result: set[str] = set()
    todo = [(r.name, set(r.extras)) for r in requirements(names)]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if key in result:
            continue
        result.add(key)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for raw in requires:
            req = Requirement(raw)
            wanted = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in wanted):
                todo.append((req.name, set(req.extras)))
    return result


def third_party_imports(path: Path) -> set[str]:
    """Return the top-level names a Python file imports that are neither stdlib nor ours."""
    ours = {p.name for p in (ROOT / "plugins").iterdir() if p.is_dir()}
    ours |= {"pelicanconf", "publishconf", "tasks"}
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ours}


def product_files() -> list[Path]:
    files = sorted((ROOT / "plugins").glob("**/*.py"))
    return [*files, ROOT / "tasks.py", ROOT / "pelicanconf.py", ROOT / "publishconf.py"]


@pytest.mark.parametrize("path", [*WORKFLOWS, *DOCUMENTS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_install_line_names_extras_that_exist(path):
    for extras in installs(path):
        unknown = extras - set(EXTRAS)
        assert not unknown, f"{path.name} installs extras pyproject.toml lacks: {unknown}"


def test_each_workflow_installs_exactly_what_it_runs():
    by_name = {p.name: installs(p) for p in WORKFLOWS}
    # Checks run the whole suite; publishing needs the targets' packages; the nightly review
    # job only reads content (its publish job is publish.yml).
    assert by_name == {
        "pull-request.yml": [{"test"}],
        "publish.yml": [{"deploy"}],
        "nightly.yml": [set()],
    }


def test_the_readme_commands_and_ci_install_the_base_and_the_test_extra():
    assert installs(ROOT / "README.md")[:2] == [set(), {"test"}]
    assert installs(ROOT / ".ci" / "run") == [{"test"}]


def test_the_base_install_leaves_publishing_and_testing_packages_out():
    base = distributions(set())
    for name in ("boto3", "botocore", "ghp-import", "moto", "pytest", "playwright"):
        assert canonicalize_name(name) not in base, f"{name} is in the base install"
    deploy = {canonicalize_name(Requirement(r).name) for r in EXTRAS["deploy"]}
    assert {"boto3", "ghp-import"} <= deploy


def test_the_test_extra_brings_the_deploy_extra():
    assert distributions({"deploy"}) <= distributions({"test"})
    assert {"moto", "pytest", "playwright", "beautifulsoup4"} <= distributions({"test"})


def test_the_base_install_has_everything_the_site_imports():
    """Every third-party module the product code imports is in the base install.

    Only the deploy targets that need them import the deploy extra's packages; the test
    extra's packages are never imported by the product.
    """
    modules = importlib.metadata.packages_distributions()
    base = distributions(set())
    deploy = distributions({"deploy"})
    missing = []
    for path in product_files():
        rel = path.relative_to(ROOT / "plugins").as_posix() if "plugins" in path.parts else ""
        allowed = deploy if rel in DEPLOY_ONLY else base
        for name in sorted(third_party_imports(path)):
            dists = {canonicalize_name(d) for d in modules.get(name, [name])}
            if not dists & allowed:
                missing.append(f"{path.relative_to(ROOT)} imports {name} ({', '.join(dists)})")
    assert not missing, "\n".join(missing)


def test_a_missing_deploy_extra_is_a_one_line_fix_before_any_build(monkeypatch):
    import importlib.util

    from tools.deploy.cli import make_target
    from tools.deploy.errors import ConfigError

    real = importlib.util.find_spec

    def hidden(name, *args, **kwargs):
        return None if name in {"boto3", "ghp_import"} else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", hidden)

    class Config(dict):
        def __init__(self, target: str) -> None:
            super().__init__(bucket="b", prefix="", branch="gh-pages")
            self.target = target

    for target, package in (("s3", "boto3"), ("gh-pages", "ghp-import")):
        with pytest.raises(ConfigError) as caught:
            make_target(Config(target))
        assert package in caught.value.message
        assert caught.value.hints == [
            "pip install -e '.[deploy]'  (from the project folder, in its environment)"
        ]
