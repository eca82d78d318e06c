"""`sitegen nginx-config`: an nginx configuration serving the cluster from the live release."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.model import Cluster, Site
from sitegen.outputs.registry import check_mounts
from sitegen.outputs.search_page import INDEX_DIR
from sitegen.outputs.theme import HASH_LENGTH

# The theme has no inline scripts or styles; Pagefind needs WebAssembly.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
CACHE_MAP = rf"""map $uri $sitegen_cache_control {{
    "~*\.[0-9a-f]{{{HASH_LENGTH}}}\.(css|js)$"                             "public, max-age=31536000, immutable";
    "~*/{INDEX_DIR}/.+\.(pf_fragment|pf_index|pf_filter|pf_meta)$" "public, max-age=31536000, immutable";
    "~*(/|\.html|\.xml|\.json|\.csv|\.txt)$"                  "public, max-age=300";
    default                                                   "public, max-age=3600";
}}
"""
# Debian's mime.types has no .csv: without this the disclosure export goes out as application/octet-stream.
# A second types {} at the http level adds to the one mime.types opened; inside a server it would replace it.
TYPES = "types { text/csv csv; }\n"
# Per server, not per http {}: Debian's own nginx.conf already says `gzip on;` there, and twice is an error.
# No application/octet-stream: Pagefind's chunks are gzipped already.
GZIP = ("gzip on;", "gzip_vary on;", "gzip_comp_level 5;", "gzip_min_length 256;",
        "gzip_types text/css application/javascript application/json text/xml application/xml application/rss+xml "
        "application/atom+xml image/svg+xml text/plain text/csv;")


# The portal's search page merges the search index of every site in the browser: on a host of its own, a site's index
# is read across origins, so it is served with CORS for the portal's origin (an empty value sends no header).
CORS_MAP = f"""map $uri $sitegen_search_cors {{
    "~/{INDEX_DIR}/"  "{{portal}}";
    default       "";
}}
"""


def csp(sites: list[Site], reads: list[str] | None = None) -> str:
    """Return the Content-Security-Policy of one host: frames only from itself and the 互动交流 channels its sites embed;
    scripts may read from the origins in `reads` too (the portal's search, the indexes of the sites on other hosts)."""
    embedded = sorted({c.origin for s in sites for c in s.interaction if c.embed})
    policy = CSP.replace("connect-src 'self'", " ".join(["connect-src 'self'", *sorted(reads or [])]))
    return policy + (f"; frame-src 'self' {' '.join(embedded)}" if embedded else "")


@dataclass(frozen=True)
class Options:
    """Where the live release is and how the servers listen."""

    root: str  # the release root on the web server; sites are served from root/current/<site>
    listen: str = "80"
    certificate: str | None = None
    certificate_key: str | None = None


def options_for(cluster: Cluster, root: str | None, listen: str | None) -> Options:
    """Return the options from sites.yaml, overridden by the command line."""
    spec = cluster.deploy.nginx
    base = root or spec.root or (cluster.deploy.targets[0].path if cluster.deploy.targets else "/srv/www/cluster")
    return Options(base.rstrip("/"), listen or str(spec.listen), spec.certificate, spec.certificate_key)


def http_block(cluster: Cluster, opts: Options) -> str:
    """Return what goes inside nginx's http {}: the cache map, the CSV type and one server per host."""
    check_mounts(cluster)  # two sites at one address would be two clashing locations
    hosts: dict[str, list[Site]] = {}
    for site in cluster.sites.values():
        hosts.setdefault(site.origin, []).append(site)
    portal = cluster.portal.origin
    servers = [_server(origin, sites, opts, portal, [o for o in hosts if o != portal]) for origin, sites in hosts.items()]
    head = f"# nginx configuration for {cluster.name}, written by `sitegen nginx-config`.\n"
    return head + CACHE_MAP + CORS_MAP.replace("{portal}", portal) + TYPES + "".join(servers)


def _server(origin: str, sites: list[Site], opts: Options, portal: str, others: list[str]) -> str:
    """Return one host's server {}; the portal's reads the search indexes of the `others` hosts, which allow it to."""
    host = origin.split("://", 1)[1].split(":", 1)[0]
    main = next((s for s in sites if s.prefix == "/"), None)
    tls = bool(opts.certificate)
    lines = [f"server_name {host};"]
    if tls:
        # `listen ... http2` is understood by every nginx Debian ships (1.25.1 and later also accept `http2 on;`)
        lines += [f"listen {opts.listen if opts.listen != '80' else '443'} ssl http2;", f"ssl_certificate {opts.certificate};",
                  f"ssl_certificate_key {opts.certificate_key};", "ssl_protocols TLSv1.2 TLSv1.3;",
                  "ssl_prefer_server_ciphers off;", "ssl_session_cache shared:sitegen:10m;"]
    else:
        lines.append(f"listen {opts.listen};")
    lines += [*GZIP, "charset utf-8;", "index index.html;", "absolute_redirect off;", "server_tokens off;",
              "add_header Cache-Control $sitegen_cache_control always;",
              f'add_header Content-Security-Policy "{csp(sites, others if origin == portal else [])}" always;',
              'add_header X-Content-Type-Options "nosniff" always;',
              'add_header Referrer-Policy "strict-origin-when-cross-origin" always;',
              'add_header X-Frame-Options "SAMEORIGIN" always;']
    if tls:
        lines.append('add_header Strict-Transport-Security "max-age=31536000" always;')
    if origin != portal:
        lines.append("add_header Access-Control-Allow-Origin $sitegen_search_cors always;")
    if main is not None:  # the portal's host, or an own-host site
        lines += [f"root {opts.root}/current/{main.id};", "error_page 404 /404.html;"]
    for site in sorted((s for s in sites if s.prefix != "/"), key=lambda s: -len(s.prefix)):
        lines.append(f"location ^~ {site.prefix} {{ alias {opts.root}/current/{site.id}/; error_page 404 {site.prefix}404.html; }}")
        # /jyj is the site /jyj/: a permanent redirect, not the portal's 404
        lines.append(f"location = {site.prefix.rstrip('/')} {{ return 301 {site.prefix}$is_args$args; }}")
    body = "".join(f"    {line}\n" for line in lines)
    redirect = ""
    if tls:
        redirect = f"server {{\n    listen 80;\n    server_name {host};\n    return 301 https://$host$request_uri;\n}}\n"
    return f"{redirect}server {{\n{body}}}\n"


def standalone(cluster: Cluster, opts: Options, prefix: str, user: str | None = None,
               mime_types: str = "/etc/nginx/mime.types") -> str:
    """Return a complete nginx.conf (for a dedicated nginx, or a test), with its files under `prefix`."""
    user_line = f"user {user};\n" if user else ""
    return (f"{user_line}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\n    include {mime_types};\n    default_type application/octet-stream;\n"
            f"    access_log {prefix}/access.log;\n    sendfile on;\n"
            f"    client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;\n"
            f"    uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;\n"
            + "".join(f"    {line}\n" for line in http_block(cluster, opts).splitlines()) + "}\n")


NGINX_PATHS = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")


def nginx_binary() -> str | None:
    """Return the nginx executable of this machine, if there is one."""
    return shutil.which("nginx") or next((p for p in NGINX_PATHS if Path(p).is_file()), None)


def make_prefix(prefix: str) -> None:
    """Create the folders a standalone configuration names (its prefix and temp folder); nginx -t opens them."""
    (Path(prefix) / "tmp").mkdir(parents=True, exist_ok=True)


def test(cluster: Cluster, opts: Options, config: Path | None, whole: bool) -> tuple[bool, str]:
    """Run `nginx -t` on a configuration: a complete nginx.conf as it is, a part for http {} inside a throwaway one.

    Return (passed, nginx's words). Files the configuration names on the server (certificates) must exist here too.
    """
    binary = nginx_binary()
    assert binary is not None  # the command says so before calling
    with tempfile.TemporaryDirectory(prefix="sitegen-nginx-") as tmp:
        if whole and config is not None:
            target = config
        else:
            target = Path(tmp) / "nginx.conf"
            make_prefix(tmp)
            target.write_text(standalone(cluster, opts, tmp), encoding="utf-8")  # the same http {} in a throwaway nginx
        done = subprocess.run([binary, "-t", "-c", str(target)], capture_output=True, text=True, timeout=60)
    return done.returncode == 0, (done.stderr or done.stdout).strip()
