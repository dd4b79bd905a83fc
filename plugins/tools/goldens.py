"""Golden cards: fixed specs whose drawings tests compare with committed PNGs.

`invoke regenerate-goldens` calls `regenerate_goldens()` after an intended change to drawing
(then bump RENDERER_VERSION in render.py so every published card is re-rendered).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from og_cards.og_cards import get_settings
from og_cards.render import draw_card
from og_cards.spec import build_spec
from PIL import Image, ImageDraw

GOLDEN_DIR = Path("tests") / "fixtures" / "og_cards" / "golden"  # relative to the project
REVIEWED = "Reviewed 15 July 2025"
CASES: dict[str, dict[str, str]] = {
    "latin": {"title": "Burns and scalds: first aid and when to get help", "section": "First aid"},
    "welsh": {"title": "Sut i helpu rhywun sy’n cael trawiad: ŵ ŷ", "section": "Cymorth cyntaf"},
    "arabic": {"title": "كيفية تقديم الإسعافات الأولية للحروق COVID-19", "section": "First aid"},
    "hebrew": {"title": "עזרה ראשונה בכוויות ובחבלות", "section": "First aid"},
    "devanagari": {"title": "जलने पर प्राथमिक उपचार कैसे करें", "section": "First aid"},
    "cjk_emoji": {
        "title": "如何为烧伤和烫伤进行急救 🚑 やけどの応急手当 ❤️",
        "section": "First aid",
    },
    "long": {"title": "A very long title " * 12, "section": "Living well"},
    # Every script the default fonts promise (issue 15), and direction runs in mixed text.
    "mixed_rtl": {"title": "مرحبا Hello world بالعالم (CPR) 999", "section": "First aid"},
    "bengali": {"title": "প্রাথমিক চিকিৎসা: পোড়া ও ঝলসানো", "section": "First aid"},
    "gurmukhi": {"title": "ਸੜਨ ਲਈ ਮੁਢਲੀ ਸਹਾਇਤਾ", "section": "First aid"},
    "gujarati": {"title": "દાઝી જવા પર પ્રાથમિક સારવાર", "section": "First aid"},
    "tamil": {"title": "தீக்காயங்களுக்கு முதலுதவி", "section": "First aid"},
    "sinhala": {"title": "පිළිස්සුම් සඳහා ප්‍රථමාධාර", "section": "First aid"},
    "thai": {"title": "การปฐมพยาบาลเบื้องต้นสำหรับแผลไฟไหม้และน้ำร้อนลวก", "section": "First aid"},
    "khmer": {"title": "ការសង្គ្រោះបឋមសម្រាប់ការរលាក", "section": "First aid"},
    "ethiopic": {"title": "ለቃጠሎ የመጀመሪያ እርዳታ", "section": "First aid"},
    "armenian": {"title": "Առաջին օգնություն այրվածքների դեպքում", "section": "First aid"},
    "georgian": {"title": "პირველი დახმარება დამწვრობის დროს", "section": "First aid"},
    "japanese": {"title": "やけどの応急手当：𠮟らずに冷やす、剝がさない", "section": "応急手当"},
    "korean": {"title": "화상 응급처치 방법과 병원에 가야 할 때 ᄀᄂ", "section": "응급처치"},
}


def sample_photo(path: Path) -> Path:
    """Write a deterministic bright photo-like JPEG (the worst case for white text)."""
    image = Image.new("RGB", (1600, 1000), "#fdf6e3")
    draw = ImageDraw.Draw(image)
    for i in range(0, 1600, 40):
        draw.ellipse(
            (i, (i * 7) % 900, i + 160, (i * 7) % 900 + 160), fill=(250, 200 - i % 150, 90)
        )
    image.save(path, "JPEG", quality=90)
    return path


def golden_specs(photo: Path) -> dict[str, dict[str, Any]]:
    """Return the golden cases as specs built from the default settings."""
    opts = get_settings({"SITENAME": "Sharewell", "SITEURL": "http://127.0.0.1:8000"})
    specs = {}
    for name, texts in CASES.items():
        full = {"site_name": "Sharewell", "reviewed": REVIEWED, **texts}
        specs[name] = build_spec(opts, "text", full, "#007f3b")
    specs["photo"] = build_spec(
        opts,
        "photo",
        {"site_name": "Sharewell", "reviewed": REVIEWED, **CASES["latin"]},
        "#007f3b",
        {"path": str(photo), "focus": (0.5, 0.5)},
    )
    return specs


def regenerate_goldens(dest: Path) -> list[Path]:
    """Draw every golden case and save it as PNG under `dest`; return the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    photo = sample_photo(dest / "photo-source.jpg")
    written = []
    for name, spec in golden_specs(photo).items():
        path = dest / f"{name}.png"
        draw_card(spec).save(path, optimize=True)
        written.append(path)
    return written
