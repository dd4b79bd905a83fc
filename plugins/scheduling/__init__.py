"""scheduling: articles go live on their date; "today" is the kernel's (SHAREWELL_TODAY)."""

from .clock import goes_live_on, is_scheduled
from .scheduling import register

__all__ = ["goes_live_on", "is_scheduled", "register"]
