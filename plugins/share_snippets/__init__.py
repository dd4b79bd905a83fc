"""share_snippets Pelican plugin: privacy-safe share links and per-network share text."""

from .share_snippets import ShareSnippetsConfigError, get_settings, register

__all__ = ["ShareSnippetsConfigError", "get_settings", "register"]
