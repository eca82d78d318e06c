"""Words: unmasked personal numbers (resident ID, mobile) and the cluster's banned words and common mistakes.

Every page's title and text are scanned as the unit wrote them, so each finding names the source file and line.
A personal number is shown masked in the finding: the report must not publish it again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from sitegen import workers
from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity
from sitegen.check.rules import Rule
from sitegen.check.scan import Dictionary, Hit, id_numbers, line_of, phone_numbers
from sitegen.content.page import Page
from sitegen.errors import ConfigError, Problem
from sitegen.i18n import _
from sitegen.sources.confine import inside

SEVERITY = {"privacy-id-number": Severity.error, "privacy-phone": Severity.warning, "banned-word": Severity.error,
            "typo": Severity.warning}
MESSAGES = {
    "privacy-id-number": ("an unmasked resident ID number ({found}) is published here",
                          "mask it, e.g. 1101**********002X: personal ID numbers must never be shown in full"),
    "privacy-phone": ("an unmasked mobile number ({found}) is published here",
                      "mask it (138****5678), or, if it is an official hotline, ask a cluster admin to add it to "
                      "check.hotlines in sites.yaml"),
    "banned-word": ("the banned word '{found}' is used here", "rewrite the sentence without it"),
    "typo": ("'{found}' is a common mistake", "write '{suggestion}'"),
}


def texts(page: Page) -> Iterator[tuple[str, int]]:
    """Yield the texts of a page a reader sees, each with the source line it starts on."""
    yield page.title, page.lines.get("title", 2)
    yield page.body, page.body_line


Finder = Callable[[str], list[Hit]]


def scan(ctx: CheckContext, find: Finder) -> Iterator[Finding]:
    """Yield a finding for every hit of `find` in the title and text of every page of the sites checked (on all cores)."""

    def one(page: Page) -> list[Finding]:
        return [_finding(ctx, page, hit, line_of(text, hit.start, first)) for text, first in texts(page) for hit in find(text)]

    pages = [page for sp in ctx.site_plans() for page in sp.pages]
    for found in workers.run(one, pages, ctx.workers):
        yield from found


def _finding(ctx: CheckContext, page: Page, hit: Hit, line: int) -> Finding:
    what, fix = MESSAGES[hit.kind]
    message = what.format(found=hit.found) + _("; fix: ") + fix.format(suggestion=hit.suggestion)
    return Finding(hit.kind, SEVERITY[hit.kind], page.site, message, page.source.as_posix(), line,
                   ctx.url(ctx.cluster.sites[page.site], page.path))


def dictionary(ctx: CheckContext) -> Dictionary:
    """Return the cluster's banned words and common mistakes (an empty dictionary without them)."""
    root, settings = ctx.cluster.root, ctx.settings
    named = {key: getattr(settings, key) for key in ("banned_words", "typos")}
    paths = {key: root / value if value else None for key, value in named.items()}
    for key, path in paths.items():
        if path is not None and not inside(path, root.resolve()):
            raise ConfigError(Problem(_("check.{key}: {value} is outside the project's folder").format(key=key, value=named[key]),
                                      "sites.yaml",
                                      hint=_("keep the word list in the project and name it from sites.yaml's folder")))
    return Dictionary.load(paths["banned_words"], paths["typos"])


def finder(ctx: CheckContext) -> Finder:
    """Return what finds every kind of hit in one text: personal numbers, banned words, common mistakes."""
    words, hotlines = dictionary(ctx), ctx.settings.hotlines
    listed = len(words) > 0
    return lambda text: id_numbers(text) + phone_numbers(text, hotlines) + (list(words.find(text)) if listed else [])


def examine(ctx: CheckContext) -> dict[str, list[Finding]]:
    """Read every page's title and text once; return the findings of every rule of this module, by rule id."""
    found: dict[str, list[Finding]] = {kind: [] for kind in SEVERITY}
    for finding in scan(ctx, finder(ctx)):
        found[finding.rule].append(finding)
    return found


def rule(rule_id: str, about: str) -> Rule:
    """Return one rule of this module: its findings come from the shared pass over the pages' texts."""
    return Rule(rule_id, SEVERITY[rule_id], lambda ctx: ctx.once("texts", lambda: examine(ctx))[rule_id], about)


RULES: tuple[Rule, ...] = (
    rule("privacy-id-number", "an 18-digit resident ID number with a valid check digit (GB 11643), not masked"),
    rule("privacy-phone", "a mainland mobile number, not masked and not an official hotline (check.hotlines)"),
    rule("banned-word", "a word of the cluster's banned-word list (check.banned_words)"),
    rule("typo", "a common mistake from the cluster's list (check.typos), with the right form"),
)
