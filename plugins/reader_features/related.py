"""Related articles from shared tags and category, in near-linear time.

An inverted index (tag -> articles) gives each article its candidates: only articles
that share at least one tag are scored, so the cost grows with the tag overlaps, not
with the square of the number of articles. Tags used by more than ``max_tag_size``
articles are too generic to suggest anything and are skipped. Rarer tags weigh more
(inverse document frequency). Ties break on newer date, then URL, so the lists are
identical between builds of the same content.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """What scoring needs to know about one article."""

    key: str  # unique and stable: the article URL
    tags: tuple[str, ...]
    category: str
    timestamp: float  # publication date, newer first on ties
    group: Hashable = None  # articles relate only within a group (the language)
    ref: object = field(default=None, compare=False, hash=False)


def _order(item: Item) -> tuple[float, str]:
    return (-item.timestamp, item.key)


def related(
    targets: Iterable[Item],
    pool: Sequence[Item],
    *,
    count: int = 3,
    tag_weight: float = 1.0,
    category_weight: float = 0.5,
    max_tag_size: int | None = 200,
    fill_from_category: bool = True,
) -> dict[str, list[Item]]:
    """Return ``{target.key: [up to count related items from pool]}``.

    A candidate scores ``tag_weight * idf(tag)`` for each shared tag, plus
    ``category_weight`` when it is in the same category. Articles without enough
    tag matches are topped up with the newest articles of their category. A target
    is never related to itself (same key).
    """
    by_tag: dict[tuple[Hashable, str], list[Item]] = defaultdict(list)
    by_category: dict[tuple[Hashable, str], list[Item]] = defaultdict(list)
    for item in sorted(pool, key=_order):
        for tag in dict.fromkeys(item.tags):
            by_tag[(item.group, tag)].append(item)
        by_category[(item.group, item.category)].append(item)
    group_sizes: dict[Hashable, int] = defaultdict(int)
    for item in pool:
        group_sizes[item.group] += 1

    result: dict[str, list[Item]] = {}
    for target in targets:
        scores, found = _scores(
            target, by_tag, group_sizes[target.group] or 1, tag_weight, max_tag_size
        )
        for key, other in found.items():
            if other.category == target.category:
                scores[key] += category_weight
        # Rounded so float noise never reorders equal scores; nsmallest is a partial sort.
        chosen = heapq.nsmallest(
            count, found.values(), key=lambda o: (-round(scores[o.key], 9), -o.timestamp, o.key)
        )
        if fill_from_category and len(chosen) < count:
            chosen += _newest_of_category(target, by_category, chosen, count - len(chosen))
        result[target.key] = chosen
    return result


def _scores(
    target: Item,
    by_tag: dict[tuple[Hashable, str], list[Item]],
    size: int,
    tag_weight: float,
    max_tag_size: int | None,
) -> tuple[dict[str, float], dict[str, Item]]:
    """Return the tag scores and items of every other item sharing a tag with ``target``."""
    scores: dict[str, float] = defaultdict(float)
    found: dict[str, Item] = {}
    for tag in sorted(set(target.tags)):
        sharing = by_tag.get((target.group, tag), [])
        if not sharing or (max_tag_size is not None and len(sharing) > max_tag_size):
            continue
        weight = tag_weight * math.log(1 + size / len(sharing))
        for other in sharing:
            scores[other.key] += weight
            found[other.key] = other
    scores.pop(target.key, None)
    found.pop(target.key, None)
    return scores, found


def _newest_of_category(
    target: Item,
    by_category: dict[tuple[Hashable, str], list[Item]],
    chosen: list[Item],
    wanted: int,
) -> list[Item]:
    """Return up to ``wanted`` newest items of the target's category not yet chosen."""
    seen = {other.key for other in chosen} | {target.key}
    extra: list[Item] = []
    for other in by_category.get((target.group, target.category), []):
        if len(extra) >= wanted:
            break
        if other.key not in seen:
            extra.append(other)
            seen.add(other.key)
    return extra
