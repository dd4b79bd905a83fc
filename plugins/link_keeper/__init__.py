"""link_keeper: aliases become redirects; the build lists every public URL."""

from .link_keeper import register

__all__ = ["register"]
