"""The nginx configuration against a real nginx: a site path without its slash, gzip on feeds, TLS 1.2/1.3 and HTTP/2,
and `nginx-config --test`."""
from __future__ import annotations

import gzip
import http.client
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from servers import NGINX, free_port, start_nginx
from test_deploy import deploy_cluster, fetch, need_nginx, nginx_for, servers  # noqa: F401 - fixtures used by name

from conftest import make_cluster, run


def raw(port: int, host: str, path: str) -> tuple[int, dict[str, str]]:
    """Return the status and headers of one request, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, dict(response.getheaders())


def test_a_site_path_without_its_slash_is_redirected_for_good(tmp_path, servers, nginx_for):  # noqa: F811
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    port = nginx_for(root, tmp_path / "srv1")
    status, headers = raw(port, "www.test.gov.cn", "/town")
    assert status == 301 and headers["Location"] == "/town/"
    status, headers = raw(port, "www.test.gov.cn", "/town?from=sms")
    assert status == 301 and headers["Location"] == "/town/?from=sms"
    assert raw(port, "www.test.gov.cn", "/town/")[0] == 200
    assert raw(port, "www.test.gov.cn", "/townhall")[0] == 404  # only the site's own path


@pytest.mark.parametrize(("host", "path", "kind"), [
    ("www.test.gov.cn", "/feed.xml", "text/xml"),
    ("www.test.gov.cn", "/news/atom.xml", "text/xml"),
    ("www.test.gov.cn", "/sitemap.xml", "text/xml"),
    ("www.test.gov.cn", "/disclosure/catalogue.json", "application/json"),
])
def test_feeds_sitemaps_and_exports_are_gzipped(tmp_path, servers, nginx_for, host, path, kind):  # noqa: F811
    root = deploy_cluster(tmp_path, servers)
    assert run(root, "deploy").exit_code == 0
    port = nginx_for(root, tmp_path / "srv1")
    status, headers, body = fetch(port, host, path, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith(kind)
    assert headers.get("Content-Encoding") == "gzip", headers
    assert gzip.decompress(body).startswith((b"<?xml", b"{", b"["))


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for www.test.gov.cn."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=www.test.gov.cn",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def handshake(port: int, version: ssl.TLSVersion) -> tuple[str | None, str | None]:
    """Return (TLS version, ALPN protocol) of a connection limited to `version`, or (None, None) if refused."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    context.minimum_version = context.maximum_version = version
    context.set_alpn_protocols(["h2", "http/1.1"])
    if version < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("ALL:@SECLEVEL=0")  # let the client offer it at all: the server must be the one refusing
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock, \
                context.wrap_socket(sock, server_hostname="www.test.gov.cn") as tls:
            return tls.version(), tls.selected_alpn_protocol()
    except (ssl.SSLError, ConnectionResetError):
        return None, None


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_with_a_certificate_only_tls_1_2_and_1_3_are_offered_with_http2(tmp_path, certificate):
    need_nginx()
    cert, key = certificate
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"deploy:\n  nginx: {{certificate: {cert}, certificate_key: {key}}}\n",
                      encoding="utf-8")
    (tmp_path / "release" / "current" / "portal").mkdir(parents=True)
    (tmp_path / "release" / "current" / "portal" / "index.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    port, prefix = free_port(), tmp_path / "nginx"
    conf = prefix / "nginx.conf"
    prefix.mkdir()
    result = run(root, "nginx-config", "--standalone", "--root", str(tmp_path / "release"), "--listen", f"127.0.0.1:{port}",
                 "--prefix", str(prefix), "--user", "root", "--out", str(conf))
    assert result.exit_code == 0, result.output
    text = conf.read_text(encoding="utf-8")
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text and f"listen 127.0.0.1:{port} ssl http2;" in text
    # the plain-HTTP server that redirects to HTTPS listens on port 80, which the test machine may not give: drop it
    conf.write_text(text.replace("    listen 80;\n", f"    listen 127.0.0.1:{free_port()};\n"), encoding="utf-8")
    server = start_nginx(conf, prefix, port)
    try:
        assert handshake(port, ssl.TLSVersion.TLSv1_3) == ("TLSv1.3", "h2")
        assert handshake(port, ssl.TLSVersion.TLSv1_2) == ("TLSv1.2", "h2")
        assert handshake(port, ssl.TLSVersion.TLSv1_1) == (None, None)
    finally:
        server.stop()


def test_nginx_config_test_runs_nginx_on_what_it_writes(tmp_path):
    need_nginx()
    root = make_cluster(tmp_path)
    result = run(root, "nginx-config", "--test")
    assert result.exit_code == 0, result.output
    assert "test is successful" in result.output and "the configuration is valid" in result.output
    prefix = tmp_path / "fresh-prefix"  # a prefix that does not exist yet: the command makes its folders
    out = tmp_path / "nginx.conf"
    result = run(root, "nginx-config", "--standalone", "--prefix", str(prefix), "--out", str(out), "--test")
    assert result.exit_code == 0, result.output
    assert (prefix / "tmp").is_dir()
    assert subprocess.run([str(NGINX), "-t", "-c", str(out)], capture_output=True).returncode == 0  # as documented


def test_nginx_config_test_reports_what_nginx_refuses(tmp_path):
    need_nginx()
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "deploy:\n  nginx: {certificate: /nowhere/cert.pem, "
                      "certificate_key: /nowhere/key.pem}\n", encoding="utf-8")
    result = run(root, "nginx-config", "--test")
    assert result.exit_code == 1
    assert "/nowhere/cert.pem" in result.output and "nginx -t refused the configuration" in result.output
