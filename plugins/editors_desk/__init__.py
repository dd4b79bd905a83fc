"""editors_desk: a private dashboard of every article, its link previews and problems."""

from .editors_desk import get_settings, register

__all__ = ["get_settings", "register"]
