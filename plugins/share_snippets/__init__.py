"""share_snippets Pelican plugin: privacy-safe share links and per-network share text."""

from .share_snippets import check_file, get_settings, register

__all__ = ["check_file", "get_settings", "register"]
