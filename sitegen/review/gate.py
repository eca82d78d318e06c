"""The review gate: on a site that requires review, a page that names no approver (签发) is withheld like a draft."""
from __future__ import annotations

from sitegen.config.model import Cluster
from sitegen.content.load import Content
from sitegen.content.page import Page
from sitegen.content.profile import Profile
from sitegen.errors import Problem
from sitegen.i18n import N_, _

REVIEW_HINT = N_("once the text is reviewed and approved, add to the front matter: "
               "review: {reviewed_by: 审核人, approved_by: 签发人, approved_at: YYYY-MM-DD}; "
               "until then a preview (sitegen serve, or build --drafts) shows it")


def unreviewed(cluster: Cluster, page: Page) -> bool:
    """Return True if the page's site requires review and the page does not say who approved it."""
    return cluster.sites[page.site].review.required and not page.meta.approved


def withhold_unreviewed(cluster: Cluster, content: Content, profile: Profile) -> list[Page]:
    """Return the pages the profile admits that lack approval; unless drafts are shown, withhold them and warn.

    Withheld like drafts: links to them are not broken, and a build that shows drafts shows them.
    """
    waiting = [p for p in content.pages if unreviewed(cluster, p)]
    if waiting and not profile.drafts:
        held = {id(p) for p in waiting}
        content.pages = [p for p in content.pages if id(p) not in held]
        content.withheld.update(p.source for p in waiting)
        content.held += waiting
        content.warnings += [warning(cluster, p) for p in waiting]
    return waiting


def warning(cluster: Cluster, page: Page) -> Problem:
    """Return the build's warning about a page withheld for lack of approval."""
    site = cluster.sites[page.site]
    return Problem(_("not published: {site_name} requires review before publishing (三审), and this page does not say who "
                     "approved it (approved_by)").format(site_name=site.name), page.source, page.lines.get("review", 2),
                   hint=_(REVIEW_HINT))
