"""content_guard: clear messages for writers' metadata mistakes, and the strict build runner."""

from .content_guard import register
from .problems import Problem, log_problem, render_table

__all__ = ["Problem", "log_problem", "register", "render_table"]
