"""Keep the live search index when nothing it indexes changed.

Pagefind names its files after hashes that differ on every run, even for the same pages, so a
fresh build (a CI runner has no cache) would re-upload the whole index and invalidate the CDN
every night. reader_features writes what an index was built from into the bundle
(``SOURCE_FILE``); when the live site's equals the new build's, the live bundle is copied into
the build before it is compared with the target: the upload then leaves the index alone.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from .errors import TargetError

SOURCE_FILE = "index-source.json"  # reader_features.search.SOURCE_FILE


def _fingerprint(text: str | bytes | None) -> str | None:
    if not text:
        return None
    try:
        value = json.loads(text)["fingerprint"]
    except (ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def keep_live_search_index(output: Path, target, bundle_dir: str, console) -> bool:
    """Replace the build's search bundle by the live one when both index the same pages."""
    bundle = output / bundle_dir
    source = bundle / SOURCE_FILE
    new = _fingerprint(source.read_bytes()) if source.is_file() else None
    if new is None or not hasattr(target, "fetch_tree"):
        return False
    try:
        live = _fingerprint(target.fetch_manifest(f"{bundle_dir}/{SOURCE_FILE}"))
    except TargetError:
        return False
    if live != new:
        return False
    staging = Path(tempfile.mkdtemp(prefix="sharewell-search-", dir=output.parent))
    try:
        target.fetch_tree(f"{bundle_dir}/", staging)
        fetched = staging / SOURCE_FILE
        if not fetched.is_file() or _fingerprint(fetched.read_bytes()) != new:
            console.print("Search index: the live copy is incomplete; publishing the new one.")
            return False
        shutil.rmtree(bundle)
        staging.rename(bundle)
    except TargetError as error:
        console.print(f"Search index: could not copy the live one ({error.message}); new one.")
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    console.print("Search index: nothing it indexes changed; keeping the live one.")
    return True
