"""Sharewell's tools: every command (build runner, pre-commit, new article, review report,
scheduled listing, benches, goldens, font vendoring, CI helpers, deploy, workflow).

Tools may import the kernel and the plugins' public faces; nothing in a plugin imports a tool.
Tools get paths as arguments; they never guess the repository from their own location.
"""
