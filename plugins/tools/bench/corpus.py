"""A deterministic synthetic corpus for `invoke bench`: N articles in varied scripts and lengths."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

CATEGORIES = ["First aid", "Living well", "Event medical", "Training", "Ambulance and clinical"]
AUTHORS = ["Aisha Rahman", "Gareth Lloyd", "Megan Price", "Tomasz Nowak", "Siân Davies"]
REVIEWERS = ["dr-amira-khan", "sam-okafor", "helen-byrne"]
TAGS = [
    "first aid", "children", "older people", "heart health", "breathing", "burns", "bleeding",
    "head injury", "summer", "winter", "festivals", "sport", "mental health", "diabetes",
    "asthma", "allergies", "poisoning", "choking", "stroke", "seizures",
]  # fmt: skip
# Title pools per script, weighted roughly like a UK health site with community translations.
TITLES = {
    "en": (
        "How to help someone who is {x}",
        "{X}: first aid and when to get help",
        "What to do if a child has {x}",
        "Spotting the signs of {x} at outdoor events and festivals this summer",
        "{X}",
        "Recognising and treating {x} at home, at work and on holiday",  # ≤ 90 characters
    ),
    "cy": ("Sut i helpu rhywun sy’n cael {x}", "Cymorth cyntaf ar gyfer {x}: ŵ ŷ"),
    "ar": ("كيفية تقديم الإسعافات الأولية عند {x}", "ما يجب فعله عند {x}"),
    "ur": ("ذیابیطس کی علامات اور علاج: {x}",),
    "he": ("עזרה ראשונה במקרה של {x}",),
    "hi": ("{x} होने पर प्राथमिक उपचार कैसे करें",),
    "zh": ("如何为{x}进行急救以及何时寻求医疗帮助",),
    "el": ("Πρώτες βοήθειες για {x}",),
    "ru": ("Первая помощь при {x}",),
    "pl": ("Pierwsza pomoc przy {x}: co robić",),
    "emoji": ("🚑 {X}: what to do ❤️", "Stay safe in the heat ☀️🥤 {x}"),
}
WEIGHTS = {
    "en": 70,
    "cy": 5,
    "ar": 4,
    "ur": 3,
    "he": 2,
    "hi": 3,
    "zh": 3,
    "el": 2,
    "ru": 3,
    "pl": 3,
}
WEIGHTS["emoji"] = 2
CONDITIONS = {
    "en": ["a seizure", "heatstroke", "a nosebleed", "a burn", "an allergic reaction", "choking"],
    "cy": ["trawiad", "llosg", "gwaedu"],
    "ar": ["الحروق", "النزيف", "الاختناق"],
    "ur": ["جلنا", "خون بہنا"],
    "he": ["כוויות", "דימום"],
    "hi": ["जलने", "खून बहने"],
    "zh": ["烧伤", "烫伤", "流鼻血"],
    "el": ["εγκαύματα", "αιμορραγία"],
    "ru": ["ожогах", "кровотечении"],
    "pl": ["oparzeniach", "krwawieniu"],
    "emoji": ["heatstroke", "dehydration"],
}
_PROSE = (
    "call 999 if someone is unconscious breathing noisily bleeding heavily or has chest pain keep "
    "them warm and still cool the burn under running water for twenty minutes do not use ice "
    "press firmly on the wound with a clean cloth raise the injured part if you can ask for help "
    "phone 111 for advice that is not an emergency check the person every few minutes"
)
WORDS = _PROSE.split(" ")


# The bench's "today" (SHAREWELL_TODAY): every synthetic review is recent, as on a healthy site.
TODAY = dt.date(2026, 11, 1)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int) -> str:
    """Return about ``words`` words in sentences of 6 to 16 words (plain-English length)."""
    sentences = []
    while words > 0:
        length = min(words, rng.randint(6, 16))
        sentences.append(_sentence(rng, length))
        words -= length
    return " ".join(sentences)


def _title(rng: random.Random) -> str:
    script = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    pattern = rng.choice(TITLES[script])
    thing = rng.choice(CONDITIONS[script])
    return pattern.format(x=thing, X=thing[:1].upper() + thing[1:])


def article(rng: random.Random, i: int, images: list[str]) -> str:
    """Return the Markdown source of synthetic article number `i`."""
    date = dt.datetime(2023, 1, 1, 9) + dt.timedelta(hours=2 * i)  # 10,000 end before TODAY
    # Reviewed within the last two years of TODAY (never overdue: the interval is three).
    reviewed = max(date.date(), TODAY - dt.timedelta(days=i % 700))
    tags = ", ".join(rng.sample(TAGS, 3))
    lines = [
        f"Title: {_title(rng)}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Category: {CATEGORIES[i % len(CATEGORIES)]}",
        f"Tags: {tags}",
        f"Slug: article-{i:05d}",
        f"Author: {AUTHORS[i % len(AUTHORS)]}",
        f"Summary: {_sentence(rng, 20)[:150]}",
        "content_type: advice",
        "audience: public",
        f"last_reviewed: {reviewed:%Y-%m-%d}",
        f"reviewed_by: {REVIEWERS[i % len(REVIEWERS)]}",
        "sources: NHS: First aid | https://www.nhs.uk/conditions/first-aid/",
    ]
    if images and i % 10 == 0:  # one article in ten has its own photo
        lines += [f"image: images/{images[i % len(images)]}", "image_alt: A photo for the article"]
    body = []
    for section in range(rng.randint(3, 6)):
        body.append(f"## Step {section + 1}")
        body += [_paragraph(rng, rng.randint(40, 120)) for _ in range(rng.randint(2, 4))]
        body += [f"- {_sentence(rng, 8)}" for _ in range(rng.randint(0, 4))]
    return "\n".join(lines) + "\n\n" + "\n\n".join(body) + "\n"


def make_corpus(dest: Path, n: int, seed: int = 2026, source: Path | None = None) -> Path:
    """Write N deterministic articles (plus the real articles, pages and images of `source`)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not security
    if dest.exists():
        shutil.rmtree(dest)
    images: list[str] = []
    if source and (source / "images").is_dir():
        shutil.copytree(source / "images", dest / "images")
        images = sorted(p.name for p in (dest / "images").iterdir() if p.suffix in {".png", ".jpg"})
    if source and (source / "pages").is_dir():
        shutil.copytree(source / "pages", dest / "pages")
    if source and (source / "extra").is_dir():
        shutil.copytree(source / "extra", dest / "extra")
    if source and (source / "templates").is_dir():
        shutil.copytree(source / "templates", dest / "templates")
    folder = dest / "articles"
    if source and (source / "articles").is_dir():
        shutil.copytree(source / "articles", folder)  # our content, plus N synthetic articles
    for i in range(n):
        # In its section's folder, as content_guard requires (elsewhere it is left out).
        section = folder / section_folder(CATEGORIES[i % len(CATEGORIES)])
        section.mkdir(parents=True, exist_ok=True)
        (section / f"article-{i:05d}.md").write_text(article(rng, i, images), "utf-8")
    return dest


def section_folder(category: str) -> str:
    """Return the folder of a section: ``First aid`` -> ``first-aid``."""
    return category.lower().replace(" ", "-")


def synthetic_articles(content: Path) -> list[Path]:
    """Return the synthetic articles of a corpus, in number order."""
    return sorted((content / "articles").rglob("article-*.md"), key=lambda path: path.name)
