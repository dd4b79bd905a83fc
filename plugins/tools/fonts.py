"""Copy and subset the Noto fonts the card renderer uses into ``fonts/`` (maintainer tool).

Run once when upgrading fonts: ``python -m tools.fonts plugins/og_cards/fonts [SRC_DIR]``. It needs
fontTools and Debian's ``fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji`` packages; the build
itself only reads the committed copies: no system fonts and no network at build time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
CJK_FACE = 2  # "Noto Sans CJK SC Bold": Simplified Chinese is the UK's most used CJK language
COPIES = [
    "NotoSans-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSansHebrew-Bold.ttf",
    "NotoSansDevanagari-Bold.ttf",
    *(f"NotoSans{script}-Bold.ttf" for script in (
        "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Sinhala", "Thai", "Khmer", "Ethiopic",
        "Armenian", "Georgian",
    )),
    "NotoColorEmoji.ttf",
]  # fmt: skip
CJK_JP_FACE, CJK_KR_FACE = 0, 1
HANGUL = [(0x1100, 0x1200), (0x3130, 0x3190), (0xA960, 0xA980), (0xAC00, 0xD7A4), (0xD7B0, 0xD800)]


def codec_repertoire(*codecs: str, end: int = 0x30000) -> set[int]:
    """Return the code points from U+2000 that any of the codecs can encode."""
    keep: set[int] = set()
    for cp in range(0x2000, end):
        for codec in codecs:
            try:
                chr(cp).encode(codec)
            except (UnicodeEncodeError, ValueError):
                continue
            keep.add(cp)
            break
    return keep


def cjk_codepoints() -> set[int]:
    """Return the CJK repertoire kept: GB2312, JIS X 0208, KS X 1001, Big5, kana, punctuation."""
    keep: set[int] = set()
    for codec in ("gb2312", "euc_jp", "euc_kr", "big5"):
        for cp in range(0x2000, 0x10000):
            char = chr(cp)
            try:
                char.encode(codec)
            except UnicodeEncodeError:
                continue
            keep.add(cp)
    keep.update(range(0x3000, 0x3100))  # CJK punctuation, hiragana, katakana
    keep.update(range(0xFF00, 0xFFF0))  # full-width forms
    keep.update(range(0x20, 0x7F))
    return keep


def _subset(fonts_dir: Path, face_index: int, unicodes: set[int], name: str) -> None:
    face = TTCollection(str(CJK)).fonts[face_index]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes & set(face.getBestCmap()))
    subsetter.subset(face)
    face.save(str(fonts_dir / name))


def complements(fonts_dir: Path, base: set[int]) -> None:
    """Write the Japanese and Korean faces' characters that the SC subset lacks.

    Japanese: JIS X 0213 (EUC-JIS-2004 / Shift_JIS-2004) and kana; Korean: all Hangul syllables
    and jamo. A few hundred characters each, so "full Japanese and Korean" costs ~450 KB.
    """
    japanese = codec_repertoire("euc_jis_2004", "shift_jis_2004") | set(range(0x3040, 0x3100))
    _subset(fonts_dir, CJK_JP_FACE, japanese - base, "NotoSansCJKjp-Bold-extra.otf")
    korean = {cp for start, end in HANGUL for cp in range(start, end)}
    _subset(fonts_dir, CJK_KR_FACE, korean - base, "NotoSansCJKkr-Bold-hangul.otf")


def main(fonts_dir: Path, src: Path = NOTO) -> None:
    """Copy the Noto fonts, write a subset of the CJK face and the JP/KR complements."""
    fonts_dir.mkdir(exist_ok=True)
    for name in COPIES:
        shutil.copy2(src / name, fonts_dir / name)
    face = TTCollection(str(CJK)).fonts[CJK_FACE]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cjk_codepoints())
    subsetter.subset(face)
    face.save(str(fonts_dir / "NotoSansCJKsc-Bold-subset.otf"))
    complements(fonts_dir, cjk_codepoints())


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else NOTO)
