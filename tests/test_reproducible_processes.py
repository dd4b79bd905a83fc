"""The same content gives the same bytes in any Python process (string hashing is random)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kernel.lang import translations_of, versions

ROOT = Path(__file__).resolve().parent.parent
BUILD = """
import sys
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings("pelicanconf.py", override={
    "OUTPUT_PATH": sys.argv[1], "CACHE_PATH": sys.argv[2], "PATH": sys.argv[3],
    "READER_FEATURES_SEARCH": False, "DELETE_OUTPUT_DIRECTORY": False})
Pelican(settings).run()
"""


class Version:
    def __init__(self, tag: str, default: bool = False) -> None:
        self.lang, self.in_default_lang, self.translations = tag, default, []


def test_language_versions_come_in_one_order_whatever_order_pelican_gives():
    english, welsh, urdu = Version("en-GB", default=True), Version("cy"), Version("ur")
    for order in ([english, urdu], [urdu, english]):
        welsh.translations = order
        assert translations_of(welsh) == [english, urdu]
    english.translations = [urdu, welsh, english]  # itself listed too: left out
    assert translations_of(english) == [welsh, urdu]
    urdu.translations = [welsh, english]
    assert versions(urdu) == [english, welsh, urdu]


def test_pelicans_translation_lists_get_one_order_for_every_reader():
    """The all-languages feeds read ``translations`` themselves, not through translations_of."""
    from languages.versions import order_translations

    class ArticlesGenerator:  # the name is what languages.versions recognises
        pass

    english, welsh, urdu = Version("en-GB", default=True), Version("cy"), Version("ur")
    hidden_en, hidden_ur = Version("en-GB", default=True), Version("ur")
    lone = Version("cy")
    english.translations = [urdu, welsh]  # the order Pelican read them in, one run
    welsh.translations, urdu.translations = [urdu, english], [welsh, english]
    hidden_en.translations = [hidden_ur, hidden_en]  # itself listed too: left out
    generator = ArticlesGenerator()
    generator.articles, generator.translations = [english, lone], [urdu, welsh]
    generator.hidden_articles, generator.hidden_translations = [hidden_en], [hidden_ur]
    order_translations(generator)
    assert english.translations == [welsh, urdu]
    assert welsh.translations == [english, urdu] and urdu.translations == [english, welsh]
    assert hidden_en.translations == [hidden_ur]
    assert lone.translations == []
    order_translations(object())  # not a generator it knows: nothing to do


def _html(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.html")}


def test_two_processes_with_different_hash_seeds_write_the_same_pages(tmp_path: Path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        env = {
            **os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "plugins"),
            "SOURCE_DATE_EPOCH": "1764581400",  # the desk shows the build's minute
        }  # fmt: skip
        subprocess.run(
            [sys.executable, "-c", BUILD, str(out), str(tmp_path / f"cache-{seed}"),
             str(ROOT / "content")],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        outputs.append(_html(out))
    first, second = outputs
    assert sorted(first) == sorted(second)
    assert [page for page in first if first[page] != second[page]] == []
