"""content_guard: writers' mistakes named (file, line, field, fix); one bad file never costs
the rest of the site. ``check_file`` is the per-file check the pre-commit hook uses too."""

from .checks import SUMMARY_PLACEHOLDER_MARK
from .content_guard import check_file, register
from .state import get_settings

__all__ = ["SUMMARY_PLACEHOLDER_MARK", "check_file", "get_settings", "register"]
