"""The Problem record shared with content_guard, so every command prints one table."""

from __future__ import annotations

from content_guard.problems import SEVERITY_ORDER, Problem, sort_problems

__all__ = ["SEVERITY_ORDER", "Problem", "sort_problems"]
