"""Live-site settings: ``pelican -s publishconf.py`` (used by `invoke preview` and `publish`)."""

import os
import sys
from pathlib import Path

# Make pelicanconf importable whatever the working directory is.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *

SITEURL = os.environ.get("SHAREWELL_PUBLIC_URL", "https://www.sharewell.org.uk").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
# A release is read from scratch, and never overwrites the development content cache.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
# The editor's desk is a local preview tool: never publish it.
EDITORS_DESK_ENABLED = False
# Nothing private is published: drafts are not written at all (their cards, like the share
# kits and the social media exports, are in the private folder next to the site:
# <OUTPUT_PATH>-private, e.g. output-private/).
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
# Precompressed .gz twins for nginx's gzip_static (Facebook's crawler wants gzip) are written
# after the build, one file at a time, by `tools.deploy.build.ensure_gzip` (publish, preview,
# lighthouse): pelican-precompress read every output file into Pelican's process and queued
# them all at once (+150 MB at 3,000 articles), and ran before the last outputs were written.
# A review falling due soon must not block publishing (the nightly build puts
# scheduled articles live); `invoke check`, pre-commit, review-report and the
# nightly alert still flag it. An overdue review stays an error and blocks.
HEALTH_REVIEW_ADVISORY_FIELDS = ["readability", "next_review", "last_reviewed"]
