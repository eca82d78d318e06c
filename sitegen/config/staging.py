"""A staging build: the whole cluster as one staging host serves it, to be looked at before it goes live.

The portal's host becomes the staging host; sites under the portal's host keep their paths; a site on a host of its
own moves to /<site id>/ on the staging host, so one web server (and one certificate) serves everything. Every
canonical link, feed and sitemap then names the staging addresses.
"""
from __future__ import annotations

import re
from dataclasses import replace

from sitegen.config.loader import origin
from sitegen.config.model import Cluster
from sitegen.errors import ConfigError, Problem
from sitegen.i18n import _


def for_staging(cluster: Cluster, url: str) -> Cluster:
    """Return the cluster served from `url` (scheme and host, e.g. https://staging.shifan.gov.cn)."""
    if not re.fullmatch(r"https?://[a-z0-9.-]+(:\d+)?/?", url):
        raise ConfigError(Problem(_("--base-url {url} is not a scheme and host").format(url=url),
                                  hint=_("e.g. --base-url https://staging.shifan.gov.cn (no path)")))
    host, portal = origin(url), cluster.portal.origin
    sites = {sid: replace(site, origin=host, prefix=site.prefix if site.origin == portal else f"/{site.id}/")
             for sid, site in cluster.sites.items()}
    return replace(cluster, base_url=host, sites=sites)
