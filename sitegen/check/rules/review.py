"""Review before publishing (三审): on a site that requires it, every page names who reviewed and who approved it.

The build withholds a page without an approver (签发, approved_by); this rule names each one, and each published
page that names its approver but not its reviewer (审核, reviewed_by), which inspections fault as 未添加审核人.
"""
from __future__ import annotations

from collections.abc import Iterator

from sitegen.check.context import CheckContext
from sitegen.check.findings import Finding, Severity
from sitegen.check.rules import Rule
from sitegen.i18n import _

REVIEW_MISSING = "review-missing"
FIX = "review: {reviewed_by: 审核人, approved_by: 签发人, approved_at: YYYY-MM-DD}"


def review_missing(ctx: CheckContext) -> Iterator[Finding]:
    """Yield an error for every withheld page without an approver, then every published one without a reviewer."""
    for page in ctx.plan.unreviewed:
        if page.site in ctx.sites:
            site = ctx.cluster.sites[page.site]
            message = _("not published: {site_name} requires review before publishing (三审), and the page does not say who "
                        "approved it (签发, approved_by); fix: once it is reviewed and approved, add to the front matter: "
                        "{FIX}").format(site_name=site.name, FIX=FIX)
            yield Finding(REVIEW_MISSING, Severity.error, site.id, message, page.source.as_posix(),
                          page.lines.get("review", 2), ctx.url(site, page.path))
    for sp in ctx.site_plans():
        if not sp.site.review.required:
            continue
        for page in sp.pages:
            review = page.meta.review
            if review is not None and review.approved_by and not review.reviewed_by:
                message = _("the page names who approved it ({approved_by}) but not who reviewed it (审核, reviewed_by): "
                            "every item is reviewed before it is approved; fix: add 'reviewed_by: 姓名' under "
                            "'review:'").format(approved_by=review.approved_by)
                yield Finding(REVIEW_MISSING, Severity.error, sp.site.id, message, page.source.as_posix(),
                              page.lines.get("review", 2), ctx.url(sp.site, page.path))


RULES = (
    Rule(REVIEW_MISSING, Severity.error, review_missing,
         "on a site with review.required, a page without 签发 (approved_by: withheld) or without 审核 (reviewed_by)"),
)
