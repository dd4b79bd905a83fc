"""health_review: review dates, clinical sign-off, sources, care cards, JSON-LD and checks.

``register`` is what Pelican loads; ``run_checks``, ``render_problems_table``, ``check``
and ``review_report`` are for ``invoke check`` and ``invoke review-report``.
"""

from .health_review import register
from .runner import check, has_errors, render_problems_table, review_report, run_checks

__all__ = [
    "check",
    "has_errors",
    "register",
    "render_problems_table",
    "review_report",
    "run_checks",
]
