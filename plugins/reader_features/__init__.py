"""reader_features: search, related articles, reading time, media feeds (see README.md)."""

from reader_features.reader_features import register

__all__ = ["register"]
