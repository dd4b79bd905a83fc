"""og_cards: link-preview metadata and rendered card images (see README.md)."""

from og_cards.og_cards import register

__all__ = ["register"]
