"""theme_assets: fingerprinted theme CSS/JS and the inlined first-screen CSS (see README.md)."""

from theme_assets.theme_assets import register

__all__ = ["register"]
