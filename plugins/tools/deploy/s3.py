"""s3 target: sync the site to an S3-compatible bucket, uploading only changed files.

A file is unchanged when its MD5 equals the object's ETag (every upload is a single-part
``put_object``, whose ETag is the MD5 on AWS, MinIO, R2, Ceph and moto). Each object gets a
Content-Type and a Cache-Control (long and immutable for card images and hashed assets, short for
HTML). Assets go up before the HTML that references them and the manifest goes last; stale keys
are deleted afterwards, except under the kept prefixes (card images). Redirect pages also get
``WebsiteRedirectLocation`` so S3 website hosting answers with a real 301.

One publish at a time: ``<prefix>.publish.lock`` is created with a conditional write
(``If-None-Match: *``, supported by AWS S3, MinIO, R2 and moto), so a second publish is refused;
under it the removal gate is asked again and the plan recomputed before anything is written.
A lock left by a killed publish is taken over after ``LOCK_STALE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import time
from pathlib import Path
from urllib.parse import quote

from .config import TargetConfig
from .errors import ConfigError, TargetError
from .gate import MANIFEST_NAME, Gate, parse_manifest
from .plan import Plan, cache_control, content_type, is_kept, md5_file, site_files

INVALIDATE_ALL_OVER = 300
LOCK_NAME = ".publish.lock"
LOCK_STALE_SECONDS = 3600
# What S3-compatible stores answer when If-None-Match: * finds the lock object.
LOCK_HELD_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "412"}
# Characters kept as they are in a WebsiteRedirectLocation (link_keeper's QUOTE_SAFE).
REDIRECT_SAFE = "/-._~!&()+,=@"


class S3Target:
    """Publish to an S3 bucket (optionally behind CloudFront)."""

    name = "s3"

    def __init__(self, cfg: TargetConfig) -> None:
        if importlib.util.find_spec("boto3") is None:  # before the build, not after it
            raise ConfigError(
                "The s3 target needs boto3, which the `deploy` extra installs.",
                ["pip install -e '.[deploy]'  (from the project folder, in its environment)"],
            )
        self.cfg = cfg
        self.bucket = cfg["bucket"]
        self.prefix = cfg["prefix"].strip("/") + "/" if cfg["prefix"].strip("/") else ""
        self._client = None
        self._locked = False

    def client(self):
        """Return the boto3 S3 client (credentials from the usual AWS environment/profile)."""
        if self._client is None:
            import boto3

            try:
                self._client = boto3.client(
                    "s3",
                    endpoint_url=self.cfg["endpoint_url"] or None,
                    region_name=self.cfg["region"] or None,
                )
            except ValueError as exc:  # e.g. a malformed endpoint URL
                raise ConfigError(f"Bad S3 settings: {exc}") from None
        return self._client

    def _call(self, what: str, func, *args, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return func(*args, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise TargetError(
                f"S3 {what} failed on bucket {self.bucket!r}: {error.get('Code')}",
                [error.get("Message") or str(exc)],
            ) from None
        except BotoCoreError as exc:
            raise TargetError(f"S3 {what} failed: {exc}") from None

    def fetch_manifest(self, name: str = MANIFEST_NAME) -> str | None:
        """Return the manifest text stored in the bucket, or None for a first deploy."""
        from botocore.exceptions import ClientError

        def get() -> bytes | None:
            try:
                response = self.client().get_object(Bucket=self.bucket, Key=self.prefix + name)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                    return None
                raise
            return response["Body"].read()

        body = self._call(f"read of {name}", get)
        return None if body is None else body.decode("utf-8")

    def lock(self) -> None:
        """Create the publish lock object, or refuse when another publish holds it."""
        key = self.prefix + LOCK_NAME
        holder = {"host": socket.gethostname(), "pid": os.getpid(), "since": int(time.time())}
        for attempt in (1, 2):
            if self._put_lock(key, json.dumps(holder).encode()):
                self._locked = True
                return
            other = self._lock_holder()
            if attempt == 1 and time.time() - other.get("since", 0) > LOCK_STALE_SECONDS:
                # A publish killed long ago cannot unlock: take its lock over.
                self._call(
                    "stale lock removal", self.client().delete_object, Bucket=self.bucket, Key=key
                )
                continue
            since = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(other.get("since", 0)))
            raise TargetError(
                f"Another publish to s3://{self.bucket}/{self.prefix} is running "
                f"(since {since}, on {other.get('host', '?')}, pid {other.get('pid', '?')}).",
                [
                    "Wait for it to finish, then publish again.",
                    f"If it was killed, delete s3://{self.bucket}/{key} (or wait an hour).",
                ],
            )

    def _put_lock(self, key: str, body: bytes) -> bool:
        """Write the lock object unless it exists; return False when another holds it."""
        from botocore.exceptions import ClientError

        def put() -> bool:
            try:
                self.client().put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=body,
                    ContentType="application/json",
                    CacheControl="no-store",
                    IfNoneMatch="*",
                )
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in LOCK_HELD_CODES:
                    return False
                raise
            return True

        return self._call("publish lock", put)

    def _lock_holder(self) -> dict:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            body = self.client().get_object(Bucket=self.bucket, Key=self.prefix + LOCK_NAME)
            data = json.loads(body["Body"].read())
        except (BotoCoreError, ClientError, ValueError):  # gone meanwhile, or not ours
            return {}
        return data if isinstance(data, dict) else {}

    def unlock(self) -> None:
        """Delete the publish lock object (if this publish holds it)."""
        if self._locked:
            self._locked = False
            self._call(
                "publish unlock",
                self.client().delete_object,
                Bucket=self.bucket,
                Key=self.prefix + LOCK_NAME,
            )

    def close(self) -> None:
        """Release the lock if a failure left it held."""
        with contextlib.suppress(TargetError):
            self.unlock()

    def fetch_tree(self, prefix: str, dest: Path) -> None:
        """Download every object under ``prefix`` into ``dest`` (the live search index)."""

        def fetch() -> None:
            pages = self.client().get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    rel = item["Key"][len(self.prefix + prefix) :]
                    path = dest / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    body = self.client().get_object(Bucket=self.bucket, Key=item["Key"])["Body"]
                    path.write_bytes(body.read())

        self._call(f"download of {prefix}", fetch)

    def remote_etags(self) -> dict[str, str]:
        """Return ``{path: md5}`` for every object under the prefix."""
        paginator = self.client().get_paginator("list_objects_v2")
        etags: dict[str, str] = {}

        def walk() -> None:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    rel = item["Key"][len(self.prefix) :]
                    if rel != LOCK_NAME:  # the lock is not part of the site
                        etags[rel] = item["ETag"].strip('"')

        self._call("list_objects_v2", walk)
        return etags

    def plan(self, output: Path) -> Plan:
        """Compare local MD5s with the bucket's ETags."""
        files = site_files(output, compressed=False)
        local = {rel: md5_file(path) for rel, path in files.items()}
        plan = Plan.compare(
            self.name,
            f"s3://{self.bucket}/{self.prefix}",
            local,
            self.remote_etags(),
            self.cfg.keep_prefixes,
        )
        if not self.cfg["delete"]:
            plan.keep, plan.remove = sorted(plan.keep + plan.remove), []
        return plan

    def deploy(self, output: Path, plan: Plan | None = None, gate: Gate | None = None) -> str:
        """Under the lock: ask the gate again, re-plan, upload, delete stale keys, invalidate."""
        self.lock()
        try:
            if gate is not None:
                gate.recheck()
            return self._sync(output, self.plan(output))
        finally:
            self.unlock()

    def _sync(self, output: Path, plan: Plan) -> str:
        redirects = _redirects(output)
        todo = plan.upload + plan.change
        # Assets first, then pages, the manifest last: a reader never gets a page whose
        # stylesheet or card image is not there yet.
        todo.sort(key=lambda rel: (rel == MANIFEST_NAME, content_type(rel).startswith("text/html")))
        for rel in todo:
            extra = {}
            if rel in redirects:
                extra["WebsiteRedirectLocation"] = redirects[rel]
            with (output / rel).open("rb") as body:
                self._call(
                    f"upload of {rel}",
                    self.client().put_object,
                    Bucket=self.bucket,
                    Key=self.prefix + rel,
                    Body=body,
                    ContentType=content_type(rel),
                    CacheControl=cache_control(rel, self.cfg.keep_prefixes),
                    **extra,
                )
        # Belt and braces: the plan never lists kept paths, and without DEPLOY_S3_DELETE none.
        removed = [r for r in plan.remove if not is_kept(r, self.cfg.keep_prefixes)]
        if not self.cfg["delete"]:
            removed = []
        if removed:
            for start in range(0, len(removed), 1000):
                batch = [{"Key": self.prefix + rel} for rel in removed[start : start + 1000]]
                self._call(
                    "delete_objects",
                    self.client().delete_objects,
                    Bucket=self.bucket,
                    Delete={"Objects": batch, "Quiet": True},
                )
        if self.cfg["cloudfront_distribution_id"] and (plan.change or removed):
            self.invalidate(plan.change + removed)
        return f"{len(todo)} uploaded, {len(removed)} deleted"

    def invalidate(self, paths: list[str]) -> list[str]:
        """Invalidate changed paths on CloudFront (``/*`` when there are many)."""
        import boto3

        urls: set[str] = set()
        for rel in paths:
            urls.add("/" + self.prefix + rel)
            if rel == "index.html" or rel.endswith("/index.html"):
                urls.add("/" + self.prefix + rel[: -len("index.html")])
        items = sorted(urls) if len(urls) <= INVALIDATE_ALL_OVER else ["/*"]
        client = boto3.client(
            "cloudfront",
            endpoint_url=self.cfg["cloudfront_endpoint_url"] or None,
            region_name=self.cfg["region"] or None,
        )
        self._call(
            "CloudFront invalidation",
            client.create_invalidation,
            DistributionId=self.cfg["cloudfront_distribution_id"],
            InvalidationBatch={
                "Paths": {"Quantity": len(items), "Items": items},
                "CallerReference": f"sharewell-{time.time_ns()}",
            },
        )
        return items

    def rollback(self, to: str | None = None) -> tuple[str, str]:
        """Explain how to roll back a bucket deploy."""
        raise TargetError(
            "rollback is for the ssh target.",
            ["For s3: check out the previous release commit and run invoke publish --target s3."],
        )


def _redirects(output: Path) -> dict[str, str]:
    """Return ``{redirect page file: target path}`` from the build's manifest.

    Targets go into an HTTP header: they must be site paths (never ``//host``), and are
    percent-encoded to ASCII with the same safe set as link_keeper's redirect files.
    """
    manifest_file = output / MANIFEST_NAME
    if not manifest_file.is_file():
        return {}
    data = parse_manifest(manifest_file.read_bytes(), str(manifest_file))
    result = {}
    for source, target in data["redirects"].items():
        if not isinstance(target, str) or not target.startswith("/") or "//" in target:
            raise TargetError(
                f"{MANIFEST_NAME} redirects {source!r} to {target!r}, which is not a site path.",
                ["Rebuild: link_keeper writes only checked paths."],
            )
        rel = source.lstrip("/")
        page = rel + "index.html" if rel.endswith("/") else rel
        result[page] = quote(target, safe=REDIRECT_SAFE)
    return result
