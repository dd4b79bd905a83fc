"""Keep the gettext catalogs in step with the code: ``invoke translations``.

For the theme (``theme/translations``, domain ``messages``) and every plugin with a
``translations/`` folder (domain: the plugin's name) this extracts each string marked for
translation — ``_()``/``{% trans %}`` in templates, ``N_()``/``gettext()`` in Python, and the
settings the theme translates (``SITE_TAGLINE``, ``EMERGENCY_NOTICE``, reviewers' roles) —
into ``<folder>/<domain>.pot`` and updates every ``<folder>/<lang>/LC_MESSAGES/<domain>.po``
from it: new strings arrive untranslated (the build warns about each until it is translated),
strings that left the code are dropped, translations are kept.

``--check`` changes nothing and exits 1 naming every catalog that is out of date (the test
suite runs it, so a string can never be added without reaching the catalogs).

    python -m tools.catalogs [--check] [--new LANG] [--root .]
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from kernel import i18n

PROJECT = "Sharewell"
# Theme strings that come from settings (the theme calls _() on them).
THEME_SETTING_STRINGS = ("SITE_TAGLINE", "EMERGENCY_NOTICE")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


@dataclass(frozen=True)
class Domain:
    """One set of catalogs: where the code is, where the catalogs are, what it is called."""

    name: str
    code: Path
    folder: Path
    method: str  # "jinja2" or "python"


def domains(root: Path) -> list[Domain]:
    """Return the theme's domain and every plugin domain that has a translations folder."""
    found = [Domain(i18n.THEME_DOMAIN, root / "theme" / "templates",
                    root / "theme" / i18n.CATALOG_FOLDER, "jinja2")]  # fmt: skip
    for folder in sorted((root / "plugins").glob(f"*/{i18n.CATALOG_FOLDER}")):
        plugin = folder.parent
        found.append(Domain(plugin.name, plugin, folder, "python"))
    return found


def _setting_strings(root: Path) -> Iterator[tuple[str, str]]:
    from pelican.settings import read_settings

    settings = read_settings(str(root / "pelicanconf.py"))
    for key in THEME_SETTING_STRINGS:
        if settings.get(key):
            yield str(settings[key]), f"pelicanconf.py ({key})"
    for key, person in sorted((settings.get("HEALTH_REVIEW_REVIEWERS") or {}).items()):
        if isinstance(person, dict) and person.get("role"):
            yield str(person["role"]), f"pelicanconf.py (HEALTH_REVIEW_REVIEWERS {key})"


def template(domain: Domain, root: Path) -> Catalog:
    """Return the catalog template (.pot) of a domain, extracted from its code."""
    pot = Catalog(project=PROJECT, domain=domain.name, fuzzy=False)
    if domain.method == "jinja2":
        method_map = [("**.html", "jinja2.ext:babel_extract")]
        options = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    else:
        method_map = [("translations/**", "ignore"), ("**.py", "python")]
        options = {}
    for filename, lineno, message, comments, context in extract_from_dir(
        domain.code, method_map, options, keywords=KEYWORDS
    ):
        where = (f"{domain.code.relative_to(root).as_posix()}/{filename}", lineno)
        pot.add(message, locations=[where], auto_comments=comments, context=context)
    if domain.name == i18n.THEME_DOMAIN:
        for message, where in _setting_strings(root):
            pot.add(message, locations=[(where, 0)])
    return pot


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False,
             ignore_obsolete=True, include_lineno=False)  # fmt: skip
    return buffer.getvalue()


def _header_free(data: bytes) -> bytes:
    """Return a .po/.pot file without the lines that change on every run (dates)."""
    skip = (b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By')
    return b"\n".join(line for line in data.splitlines() if not line.startswith(skip))


def updated_files(domain: Domain, root: Path, new: Iterable[str] = ()) -> dict[Path, bytes]:
    """Return every catalog file of a domain as it should be (path -> bytes)."""
    pot = template(domain, root)
    files = {domain.folder / f"{domain.name}.pot": _po_bytes(pot)}
    po_files = sorted(domain.folder.glob(f"*/LC_MESSAGES/{domain.name}.po"))
    for tag in new:
        path = domain.folder / tag.replace("-", "_") / "LC_MESSAGES" / f"{domain.name}.po"
        if path not in po_files:
            catalog = Catalog(locale=tag.replace("-", "_"), project=PROJECT, domain=domain.name)
            catalog.update(pot)
            files[path] = _po_bytes(catalog)
    for path in po_files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=path.parent.parent.name)
        catalog.update(pot, no_fuzzy_matching=True)
        files[path] = _po_bytes(catalog)
    return files


def stale(root: Path) -> list[Path]:
    """Return the catalog files that differ from what the code asks for."""
    out = []
    for domain in domains(root):
        for path, data in updated_files(domain, root).items():
            current = path.read_bytes() if path.is_file() else b""
            if _header_free(current) != _header_free(data):
                out.append(path)
    return out


def write(root: Path, new: Iterable[str] = ()) -> list[Path]:
    """Bring every catalog up to date; return the files written."""
    written = []
    for domain in domains(root):
        for path, data in updated_files(domain, root, new).items():
            current = path.read_bytes() if path.is_file() else b""
            if _header_free(current) == _header_free(data):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit status."""
    parser = argparse.ArgumentParser(prog="invoke translations", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    parser.add_argument("--new", action="append", default=[], help="start a catalog for LANG")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args: Any = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check:
        out_of_date = stale(root)
        for path in out_of_date:
            print(f"out of date: {path.relative_to(root).as_posix()}")
        if out_of_date:
            print("Run `invoke translations` and translate the new strings.")
        return 1 if out_of_date else 0
    for path in write(root, args.new):
        print(f"updated {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
