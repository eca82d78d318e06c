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
from test_deploy import fetch, need_nginx, serve_release

from conftest import build, make_cluster, run

# The http {} of the nginx.conf Debian ships (nginx 1.22, bookworm), where `nginx-config --out` files are included
DEBIAN_HTTP = """sendfile on;
tcp_nopush on;
types_hash_max_size 2048;
include /etc/nginx/mime.types;
default_type application/octet-stream;
ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
ssl_prefer_server_ciphers on;
access_log {prefix}/access.log;
gzip on;
include {prefix}/conf.d/*.conf;
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[int, Path]:
    """The mini cluster built (with its search index) and served by nginx as the live release; (port, build folder)."""
    need_nginx()
    tmp = tmp_path_factory.mktemp("served")
    root = make_cluster(tmp)
    assert build(root).exit_code == 0
    (tmp / "release").mkdir()
    (tmp / "release" / "current").symlink_to(root / "build")
    server = serve_release(root, tmp / "release", tmp / "nginx")
    yield server.port, root / "build"
    server.stop()


def raw(port: int, host: str, path: str) -> tuple[int, dict[str, str]]:
    """Return the status and headers of one request, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, dict(response.getheaders())


def test_a_site_path_without_its_slash_is_redirected_for_good(served):
    port, _ = served
    status, headers = raw(port, "www.test.gov.cn", "/town")
    assert status == 301 and headers["Location"] == "/town/"  # relative: the host and scheme the reader used
    status, headers = raw(port, "www.test.gov.cn", "/town?from=sms")
    assert status == 301 and headers["Location"] == "/town/?from=sms"
    assert raw(port, "www.test.gov.cn", "/town/")[0] == 200
    assert raw(port, "www.test.gov.cn", "/townhall")[0] == 404  # only the site's own path


@pytest.mark.parametrize(("path", "kind"), [
    ("/feed.xml", "text/xml"),  # Debian's mime.types: .xml is text/xml, RSS and Atom feeds included
    ("/news/atom.xml", "text/xml"),
    ("/sitemap.xml", "text/xml"),
    ("/disclosure/catalogue.json", "application/json"),
    ("/disclosure/catalogue.csv", "text/csv"),  # not in mime.types: the configuration names it
])
def test_feeds_sitemaps_and_exports_are_gzipped(served, path, kind):
    port, out = served
    status, headers, body = fetch(port, "www.test.gov.cn", path, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith(kind), headers
    assert headers.get("Content-Encoding") == "gzip", headers
    assert gzip.decompress(body) == (out / "portal" / path.lstrip("/")).read_bytes()


def test_search_index_chunks_are_not_gzipped_a_second_time(served):
    port, out = served
    chunk = next((out / "portal/pagefind/fragment").glob("*.pf_fragment"))
    status, headers, body = fetch(port, "www.test.gov.cn", f"/pagefind/fragment/{chunk.name}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers
    assert body == chunk.read_bytes() and body.startswith(b"\x1f\x8b")  # Pagefind wrote it gzipped


def test_only_the_search_index_of_a_site_on_another_host_is_shared_with_the_portal(served):
    port, _ = served
    status, headers = raw(port, "czj.test.gov.cn", "/pagefind/pagefind-entry.json")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://www.test.gov.cn"
    assert "Access-Control-Allow-Origin" not in raw(port, "czj.test.gov.cn", "/")[1]  # its pages are not
    assert "Access-Control-Allow-Origin" not in raw(port, "www.test.gov.cn", "/pagefind/pagefind-entry.json")[1]
    # the portal's pages may read from that host (its search merges the index there), the site's own from itself only
    assert "connect-src 'self' https://czj.test.gov.cn;" in raw(port, "www.test.gov.cn", "/search/")[1]["Content-Security-Policy"]
    assert "connect-src 'self';" in raw(port, "czj.test.gov.cn", "/search/")[1]["Content-Security-Policy"]


def test_the_included_file_passes_nginx_t_in_debians_own_nginx_conf(tmp_path):
    need_nginx()
    cert, key = self_signed(tmp_path)
    root = make_cluster(tmp_path)
    config = root / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"deploy:\n  nginx: {{certificate: {cert}, certificate_key: {key}}}\n",
                      encoding="utf-8")
    prefix = tmp_path / "etc-nginx"
    (prefix / "conf.d").mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\nevents {{ worker_connections 768; }}\n"
                    "http {\n" + DEBIAN_HTTP.format(prefix=prefix) + "}\n", encoding="utf-8")
    result = run(root, "nginx-config", "--out", str(prefix / "conf.d/sitegen.conf"), "--test")  # as the README says
    assert result.exit_code == 0, result.output
    check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(prefix)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr  # nginx's own `gzip on;` and ours do not clash
    assert "[warn]" not in check.stderr and "[emerg]" not in check.stderr, check.stderr


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """Make a throwaway self-signed certificate for www.test.gov.cn; return (certificate, key)."""
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
def test_with_a_certificate_only_tls_1_2_and_1_3_are_offered_with_http2(tmp_path):
    need_nginx()
    cert, key = self_signed(tmp_path)
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


def test_a_printed_standalone_file_says_which_folder_nginx_t_needs(tmp_path):
    need_nginx()
    root = make_cluster(tmp_path)
    prefix = tmp_path / "not-yet"
    result = run(root, "nginx-config", "--standalone", "--prefix", str(prefix))
    assert result.exit_code == 0 and f"pid {prefix}/nginx.pid;" in result.output
    assert f"{prefix}/tmp does not exist: create it (`mkdir -p {prefix}/tmp`)" in result.output
    assert not prefix.exists()  # printing changes nothing on disk
    conf = tmp_path / "nginx.conf"
    conf.write_text(result.stdout, encoding="utf-8")
    refused = subprocess.run([str(NGINX), "-t", "-c", str(conf)], capture_output=True, text=True)
    assert refused.returncode == 1 and f"{prefix}/nginx.pid" in refused.stderr  # the folder nginx -t stops at
    (prefix / "tmp").mkdir(parents=True)
    assert subprocess.run([str(NGINX), "-t", "-c", str(conf)], capture_output=True).returncode == 0
