"""The shipped nginx configuration, run as production runs it (master root, workers www-data).

- The whole of deploy/nginx.conf on local ports, with TLS: HTTP goes to HTTPS, the bare domain
  to www, and every HTTPS answer (redirects and errors included) carries HSTS.
- Release permissions: the old ``--chmod`` (directories 0744) is refused by www-data (403), the
  current one (755/644) serves every page.
"""

from __future__ import annotations

import stat

import pytest
from support import ssh_site
from support.servers import IS_ROOT, ShippedNginx
from support.site import assert_site_served, check_headers

ssh_site.skip_without_servers()
accounts, srv_root, sshd, site = ssh_site.accounts, ssh_site.srv_root, ssh_site.sshd, ssh_site.site

WWW = "www.sharewell.org.uk"
BARE = "sharewell.org.uk"
HSTS = "max-age=31536000; includeSubDomains"
# What rsync did before the fix: the trailing "go=r" applied to directories as well.
OLD_CHMOD = "--chmod=Du=rwx,go=rx,Fu=rw,go=r"


@pytest.mark.skipif(not IS_ROOT, reason="needs two users: the deploy user and nginx's www-data")
def test_old_chmod_is_refused_by_www_data_and_the_fix_serves_every_page(site, accounts):
    assert accounts[1] is not None, "www-data is missing: nginx would run as root"
    assert site.nginx.web.name == "www-data"
    result = site.publish(env={"DEPLOY_SSH_RSYNC_OPTIONS": OLD_CHMOD}, check=False)
    release = site.base / "releases" / result.release
    assert stat.S_IMODE(release.stat().st_mode) == 0o744
    # Debian's nginx behind the old modes: 403 on /, 404 everywhere else.
    assert site.nginx.get("/")[0] == 403
    assert site.nginx.get("/first-aid/cpr/")[0] == 404
    assert "Permission denied" in site.nginx.error_log()

    article = site.content / "articles" / "first-aid" / "cpr.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nUpdated.\n", encoding="utf-8")
    result = site.publish()  # checks every page: 200 with the promised headers
    release = site.base / "releases" / result.release
    for path in [release, *release.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path}: {mode:o}"


def test_shipped_config_https_redirects_and_hsts_everywhere(site, accounts, tmp_path):
    site.publish()
    base = site.base
    (base / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True)
    (base / "acme" / ".well-known" / "acme-challenge" / "token").write_text("proof")
    for path in (base / "acme", *(base / "acme").rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    with ShippedNginx(tmp_path / "shipped", base, accounts[1]) as nginx:
        # Plain HTTP: the ACME challenge is answered, everything else goes to https://www.
        for host in (WWW, BARE):
            status, headers, _ = nginx.request(host, "/first-aid/cpr/?a=1", tls=False)
            assert status == 301
            assert headers["Location"] == f"https://{WWW}/first-aid/cpr/?a=1"
        status, _, body = nginx.request(WWW, "/.well-known/acme-challenge/token", tls=False)
        assert (status, body) == (200, b"proof")

        # The bare domain over HTTPS: a redirect that already carries HSTS.
        status, headers, _ = nginx.request(BARE, "/about/")
        assert status == 301
        assert headers["Location"] == f"https://{WWW}/about/"
        assert headers["Strict-Transport-Security"] == HSTS

        # www over HTTPS: every file of the release, plus errors and alias redirects.
        class Www:
            def get(self, path):
                return nginx.request(WWW, path)

        checked = assert_site_served(Www(), base / "current", {"Strict-Transport-Security": HSTS})
        assert checked >= 15
        for path in ("/no/such/page/", "/.hidden", "/first-aid/.git/config"):
            status, headers, body = nginx.request(WWW, path)
            assert status == 404
            assert not check_headers(path, status, headers, {"Strict-Transport-Security": HSTS})
        assert b"could not find that page" in body
        # A missing page of the Welsh site (LANGUAGES_SITES) gets the Welsh 404 page.
        welsh = base / "current" / "cy"
        welsh.mkdir(mode=0o755)
        (welsh / "404.html").write_text('<html lang="cy"><h1>Heb ddod o hyd</h1>', "utf-8")
        (welsh / "404.html").chmod(0o644)
        welsh.chmod(0o755)
        status, headers, body = nginx.request(WWW, "/cy/no/such/page/")
        assert status == 404 and b"Heb ddod o hyd" in body and b'lang="cy"' in body
        assert not check_headers("/cy/", status, headers, {"Strict-Transport-Security": HSTS})


def test_hsts_is_in_every_https_server_of_the_shipped_config():
    from support.servers import NGINX_CONF

    blocks = NGINX_CONF.read_text(encoding="utf-8").split("server {")[1:]
    https = [b for b in blocks if "443 ssl" in b]
    assert len(https) == 2
    for block in https:
        assert f'add_header Strict-Transport-Security "{HSTS}" always;' in block
