"""External links: every link to another server, and every attachment given as an address, still leads somewhere.

Only `sitegen check --external` runs it: it asks other servers (sitegen.check.links says how politely, and how long
their answers are kept). Links to the cluster's own sites are not external: the build already checks those.
Links are read from the text as the unit wrote it, with the Markdown parser the build uses, so a link in a code block
is not one, and every finding names the source line.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity
from sitegen.check.links import Limits, Outcome, Status, cache_path, check_links
from sitegen.check.rules import Rule
from sitegen.config.model import Cluster
from sitegen.content.frontmatter import application_only
from sitegen.content.markdown import parser
from sitegen.content.page import Page
from sitegen.i18n import _

RULE = "link-external"
_HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """An external address a page gives, with the source line it is written on."""

    url: str
    line: int
    kind: Literal["link", "attachment"] = "link"


def own_hosts(cluster: Cluster) -> frozenset[str]:
    """Return the host names of the cluster's own sites."""
    origins = (cluster.base_url, *(site.origin for site in cluster.sites.values()))
    return frozenset(host for host in (_host(origin) for origin in origins) if host)


def _host(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        return None


def is_external(url: str, own: frozenset[str]) -> bool:
    """Tell whether `url` is an http(s) address on a host that is not one of the cluster's."""
    host = _host(url)
    return url.strip().lower().startswith(("http://", "https://")) and host is not None and host not in own


def links_of(page: Page, cluster: Cluster, own: frozenset[str]) -> list[Link]:
    """Return the page's external links and attachment addresses, each address once, at its first line."""
    allow_html = cluster.sites[page.site].allow_html
    found: dict[str, Link] = {}
    for link in (*body_links(page, allow_html), *attachment_links(page)):
        if is_external(link.url, own):
            found.setdefault(link.url, link)
    return list(found.values())


def body_links(page: Page, allow_html: bool) -> Iterator[Link]:
    """Yield every link and image address in the page's text, with its source line."""
    lines = page.body.split("\n")
    for block in parser(allow_html).parse(page.body):
        at = block.map[0] if block.map else 0
        for ref in _refs(block):
            at = _line_in(lines, ref, at)
            yield Link(ref, page.body_line + at)


def _refs(block: Token) -> Iterator[str]:
    """Yield the addresses a block links to: Markdown links, autolinks and images, and raw HTML where allowed."""
    if block.type == "html_block":
        yield from _HTML_LINK.findall(block.content)
    for tok in block.children or ():
        if tok.type in ("link_open", "image"):
            yield str(tok.attrGet("href" if tok.type == "link_open" else "src") or "")
        elif tok.type == "html_inline":
            yield from _HTML_LINK.findall(tok.content)


def _line_in(lines: list[str], ref: str, start: int) -> int:
    """Return the index of the first line from `start` holding `ref` (as written or percent-decoded), else `start`."""
    written = (ref, unquote(ref))
    return next((i for i in range(start, len(lines)) if any(w in lines[i] for w in written)), start)


def attachment_links(page: Page) -> Iterator[Link]:
    """Yield the attachments the front matter gives as addresses, at the line of 'attachments:'."""
    if application_only(page.meta):  # a 依申请公开 document publishes no attachment
        return
    line = page.lines.get("attachments", 2)
    for spec in page.meta.attachments:
        yield Link((spec if isinstance(spec, str) else spec.file).strip(), line, "attachment")


def find(ctx: CheckContext) -> Iterator[Finding]:
    """Yield a finding for every external link of the sites checked that is broken or has moved permanently."""
    own = own_hosts(ctx.cluster)
    found = [(page, link) for sp in ctx.site_plans() for page in sp.pages for link in links_of(page, ctx.cluster, own)]
    if not found:
        return
    limits = Limits(timeout=ctx.settings.link_timeout, per_host=ctx.settings.link_host_limit)
    outcomes = check_links((link.url for _, link in found), cache_path(ctx.cluster.root), limits)
    for page, link in found:
        outcome = outcomes[link.url]
        if outcome.status != Status.ok:
            yield finding(ctx, page, link, outcome)


def finding(ctx: CheckContext, page: Page, link: Link, outcome: Outcome) -> Finding:
    """Return the finding of a link whose outcome is not ok: a warning if it only moved, else an error."""
    severity = Severity.warning if outcome.status == Status.moved else Severity.error
    return Finding(RULE, severity, page.site, message(link, outcome), page.source.as_posix(), link.line,
                   ctx.url(ctx.cluster.sites[page.site], page.path))


def message(link: Link, outcome: Outcome) -> str:
    """Return what is wrong with the link and how to fix it, in plain words."""
    subject = _("the attachment {url}").format(url=link.url) if link.kind == "attachment" else \
        _("the link to {url}").format(url=link.url)
    remove = _("correct its address under 'attachments:' or remove it") if link.kind == "attachment" else \
        _("correct the address or remove the link")
    if outcome.status == Status.moved:
        return _("{subject} has moved for good to {moved_to}; fix: update the address to {moved_to}").format(subject=subject,
                moved_to=outcome.moved_to)
    if outcome.status == Status.timeout:
        return _("{subject} {reason}; fix: open it in a browser: if it does not load either, {remove}").format(subject=subject,
                reason=outcome.reason, remove=remove)
    if outcome.status == Status.unreachable:
        return _("{subject} cannot be reached ({reason}); fix: {remove}").format(subject=subject, reason=outcome.reason, remove=remove)
    return _("{subject} is dead ({why_dead}); fix: {remove}").format(subject=subject, why_dead=_why_dead(outcome), remove=remove)


def _why_dead(outcome: Outcome) -> str:
    if outcome.code is None:
        return outcome.reason
    if outcome.final:
        return _("it leads to {final}, which answers HTTP {code}").format(final=outcome.final, code=outcome.code)
    return _("HTTP {code}").format(code=outcome.code)


RULES: tuple[Rule, ...] = (
    Rule(RULE, Severity.error, find, "a link or attachment address on another server that is dead, does not answer in "
         "time (check.link_timeout) or has moved for good (a warning); only with --external", external=True),
)
