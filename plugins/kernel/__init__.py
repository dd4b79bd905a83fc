"""Sharewell's kernel: the shared primitives every plugin and tool builds on.

Not a Pelican plugin (never listed in PLUGINS) and it imports no plugin or tool. It owns
the truths that must exist once: problems and their store, the absolute-URL rule, HTML to
text, "today" and dates, the Markdown header parser, named content sets, settings tables,
the typed content attributes plugins share, and the kernel signals. See docs/architecture.md.
"""
