"""health_review: review dates, clinical sign-off, sources, care cards, JSON-LD and checks.

``register`` is what Pelican loads; ``check_file`` is the per-file check (kernel signal
``check_source``) the build and the pre-commit hook share.
"""

from .health_review import check_file, register

__all__ = ["check_file", "register"]
