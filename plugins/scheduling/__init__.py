"""scheduling: articles go live on their date; "today" is settable (SHAREWELL_TODAY)."""

from .clock import get_today, is_scheduled
from .listing import ScheduledItem, find_scheduled, render_scheduled
from .scheduling import register

__all__ = [
    "ScheduledItem",
    "find_scheduled",
    "get_today",
    "is_scheduled",
    "register",
    "render_scheduled",
]
