"""content_images: responsive, modern-format copies of content images (see README.md)."""

from content_images.content_images import register

__all__ = ["register"]
