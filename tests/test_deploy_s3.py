"""s3 target against moto in server mode on 127.0.0.1 (S3 and CloudFront APIs)."""

from __future__ import annotations

import json
import os
import time

import pytest
from support.servers import MotoS3Server
from support.site import FIXTURE_CONFIG, add_article, copy_fixture, git_checkouts, snapshot
from tools.deploy.cli import publish, run
from tools.deploy.plan import CACHE_LONG, CACHE_SHORT

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if not IN_CI:  # in CI a missing boto3/moto must fail, not skip
    pytest.importorskip("boto3")
    pytest.importorskip("moto.server")
import boto3  # noqa: E402

BUCKET = "sharewell-site"
OLD_CARD = "og/cpr-1a2b3c4d5e.png"
NEW_CARD = "og/cpr-99887766aa.png"


@pytest.fixture(scope="module")
def moto_server():
    with MotoS3Server() as server:
        yield server


@pytest.fixture
def s3(moto_server, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=moto_server.url, region_name="us-east-1")
    bucket = f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')}"[:63]
    client.create_bucket(Bucket=bucket)
    cloudfront = boto3.client("cloudfront", endpoint_url=moto_server.url)
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": bucket,
            "Comment": "test",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "s3",
                        "DomainName": f"{bucket}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "s3",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )["Distribution"]["Id"]
    env = {
        "DEPLOY_S3_BUCKET": bucket,
        "DEPLOY_S3_ENDPOINT_URL": moto_server.url,
        "DEPLOY_S3_REGION": "us-east-1",
        "DEPLOY_S3_CLOUDFRONT_DISTRIBUTION_ID": distribution,
        "DEPLOY_S3_CLOUDFRONT_ENDPOINT_URL": moto_server.url,
    }
    content = copy_fixture(tmp_path / "content")

    def do(content=content, **kwargs):
        return publish("s3", config=FIXTURE_CONFIG, content=content, environ=env, **kwargs)

    def objects() -> dict[str, dict]:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {o["Key"]: o for page in pages for o in page.get("Contents", [])}

    def head(key: str) -> dict:
        return client.head_object(Bucket=bucket, Key=key)

    def invalidations() -> list[list[str]]:
        listed = cloudfront.list_invalidations(DistributionId=distribution)
        result = []
        for item in listed["InvalidationList"].get("Items", []):
            batch = cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])
            result.append(batch["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []))
        return result

    return type(
        "S3",
        (),
        {
            "do": staticmethod(do),
            "objects": staticmethod(objects),
            "head": staticmethod(head),
            "invalidations": staticmethod(invalidations),
            "content": content,
            "client": client,
            "bucket": bucket,
        },
    )


def test_upload_sets_types_and_cache_headers(s3):
    s3.do()
    keys = set(s3.objects())
    assert {"index.html", "first-aid/cpr/index.html", OLD_CARD, "published-urls.json"} <= keys
    assert not [k for k in keys if k.endswith(".gz")]

    page = s3.head("first-aid/cpr/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == CACHE_SHORT
    card = s3.head(OLD_CARD)
    assert card["ContentType"] == "image/png"
    assert card["CacheControl"] == CACHE_LONG
    feed = s3.head("feeds/all.atom.xml")
    assert feed["ContentType"] == "application/atom+xml; charset=utf-8"
    redirect = s3.head("old/cpr-guide/index.html")
    assert redirect["WebsiteRedirectLocation"] == "/first-aid/cpr/"
    # A first publish changes nothing that a CDN could have cached.
    assert s3.invalidations() == []


def test_second_publish_uploads_nothing(s3):
    s3.do()
    before = {k: o["LastModified"] for k, o in s3.objects().items()}
    result = s3.do()
    assert result.plan.upload == []
    assert result.plan.change == []
    assert result.plan.remove == []
    assert {k: o["LastModified"] for k, o in s3.objects().items()} == before


def test_change_uploads_one_page_keeps_old_card_and_invalidates(s3):
    s3.do()
    article = s3.content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text().replace("Push hard", "Press hard"), encoding="utf-8")
    (s3.content / OLD_CARD).rename(s3.content / NEW_CARD)
    result = s3.do()
    assert "first-aid/cpr/index.html" in result.plan.change
    assert result.plan.upload == [NEW_CARD]
    assert result.plan.keep == [OLD_CARD]
    keys = set(s3.objects())
    assert {OLD_CARD, NEW_CARD} <= keys
    body = s3.client.get_object(Bucket=s3.bucket, Key="first-aid/cpr/index.html")["Body"]
    assert b"Press hard" in body.read()
    (paths,) = s3.invalidations()
    assert "/first-aid/cpr/" in paths
    assert "/first-aid/cpr/index.html" in paths


def test_allowed_removal_deletes_the_key_and_gate_refuses_otherwise(s3):
    s3.do()
    (s3.content / "pages" / "about.md").unlink()
    before = {k: o["ETag"] for k, o in s3.objects().items()}
    assert run(s3.do) == 4
    assert {k: o["ETag"] for k, o in s3.objects().items()} == before
    result = s3.do(allow_removal=["/about/"])
    assert result.plan.remove == ["about/index.html"]
    assert "about/index.html" not in s3.objects()


def test_dry_run_uploads_nothing(s3, tmp_path):
    result = s3.do(dry_run=True)
    assert "index.html" in result.plan.upload
    assert s3.objects() == {}
    assert snapshot(s3.content)  # content untouched and readable


def test_a_second_publish_is_refused_while_one_holds_the_lock(s3, capsys):
    s3.do()
    s3.client.put_object(
        Bucket=s3.bucket,
        Key=".publish.lock",
        Body=json.dumps({"host": "ci-runner", "pid": 42, "since": int(time.time())}).encode(),
    )
    before = {k: o["ETag"] for k, o in s3.objects().items()}
    article = s3.content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text().replace("Push hard", "Press hard"), encoding="utf-8")
    assert run(s3.do) == 5
    err = capsys.readouterr().err
    assert "Another publish" in err
    assert "ci-runner" in err
    assert {k: o["ETag"] for k, o in s3.objects().items()} == before
    # A lock left by a publish killed long ago is taken over; the lock never stays behind.
    s3.client.put_object(
        Bucket=s3.bucket,
        Key=".publish.lock",
        Body=json.dumps({"host": "gone", "pid": 1, "since": int(time.time()) - 7200}).encode(),
    )
    result = s3.do()
    assert "first-aid/cpr/index.html" in result.plan.change
    assert ".publish.lock" not in s3.objects()
    assert ".publish.lock" not in result.plan.remove


def test_an_older_checkout_racing_a_newer_one_is_refused(s3, tmp_path, capsys):
    clones = git_checkouts(tmp_path / "git")
    s3.do(content=clones["b"])
    new_url = add_article(clones["a"], "choking", "Helping someone who is choking")
    # B has a change of its own (an older checkout with an edit, not a no-op).
    sleep = clones["b"] / "articles" / "sleep" / "sleep.md"
    sleep.write_text(sleep.read_text(encoding="utf-8") + "\nAvoid screens late.\n")

    def a_publishes_while_b_builds(output) -> None:
        s3.do(content=clones["a"])

    assert run(s3.do, content=clones["b"], checks=a_publishes_while_b_builds) == 4
    err = capsys.readouterr().err
    assert "changed while this publish was building" in err
    assert new_url in err
    assert "first-aid/choking/index.html" in s3.objects()
    assert ".publish.lock" not in s3.objects()


def test_no_card_that_was_ever_live_is_deleted_after_publish_rollback_and_publish(s3, tmp_path):
    older = copy_fixture(tmp_path / "older")
    og = s3.content / "og"
    ever = {f"og/{p.name}" for p in og.iterdir()}
    s3.do()
    for path in og.iterdir():
        path.unlink()
    (og / "cpr-99887766aa.png").write_bytes(b"\x89PNG new card")
    ever.add("og/cpr-99887766aa.png")
    s3.do()
    # On S3 a rollback is publishing an older checkout again: it must not delete newer cards.
    result = s3.do(content=older)
    assert not [k for k in result.plan.remove if k.startswith("og/")]
    (og / "sleep-0123456789.png").write_bytes(b"\x89PNG third card")
    ever.add("og/sleep-0123456789.png")
    s3.do()
    assert ever <= set(s3.objects())


def test_republishing_an_unchanged_site_with_search_uploads_and_deletes_nothing(s3, tmp_path):
    # Pagefind on, and a fresh cache per publish as on a new CI runner.
    plugins = ["link_keeper", "reader_features", "pelican.plugins.precompress"]
    s3.do(overrides={"PLUGINS": plugins, "CACHE_PATH": str(tmp_path / "cache-1")})
    assert "pagefind/index-source.json" in s3.objects()
    before = {k: (o["ETag"], o["LastModified"]) for k, o in s3.objects().items()}
    result = s3.do(overrides={"PLUGINS": plugins, "CACHE_PATH": str(tmp_path / "cache-2")})
    assert (result.plan.upload, result.plan.change, result.plan.remove) == ([], [], [])
    assert {k: (o["ETag"], o["LastModified"]) for k, o in s3.objects().items()} == before
    assert s3.invalidations() == []
