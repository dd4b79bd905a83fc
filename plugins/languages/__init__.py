"""languages: translations linked to each other, clean URLs, and each language's listings."""

from .languages import register

__all__ = ["register"]
