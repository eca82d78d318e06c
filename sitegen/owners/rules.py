"""Who owns which file: content/<site>/ its site's owners and the cluster admins, everything else the admins."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sitegen.config.model import Cluster
from sitegen.config.schema import GitIdentity
from sitegen.errors import ConfigError, Problem, Problems, SitegenError
from sitegen.i18n import _
from sitegen.owners.identity import Author, any_matches
from sitegen.sources.encoding import decode
from sitegen.sources.validation import problems_from
from sitegen.sources.yamlio import parse


class OwnersError(SitegenError):
    """A file was changed by someone who does not own it, or CODEOWNERS cannot be made."""

    stage = "owners"


class RangeError(OwnersError):
    """The revision range (or the repository) given to `owners verify` is not usable: a bad option, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class Ownership:
    """The cluster admins and each site's owners, in sites.yaml order."""

    admins: tuple[str, ...]
    sites: dict[str, tuple[str, ...]]

    def site_of(self, path: str) -> str | None:
        """Return the site whose folder holds `path` (relative to the cluster's folder), or None: the admins'."""
        parts = PurePosixPath(path).parts
        if len(parts) >= 3 and parts[0] == "content" and parts[1] in self.sites:
            return parts[1]
        return None

    def may_change(self, author: Author, site: str | None) -> bool:
        """Return whether `author` may change a file of `site` (None: a file only the admins may change)."""
        if any_matches(self.admins, author):
            return True
        return site is not None and any_matches(self.sites[site], author)


def from_cluster(cluster: Cluster) -> Ownership:
    """Return the ownership the loaded sites.yaml sets."""
    return Ownership(cluster.admins, {site.id: site.owners for site in cluster.sites.values()})


class _Lenient(BaseModel):
    """Base of the owners settings read from an earlier sites.yaml."""

    # Only the owners settings of an earlier sites.yaml are read: anything else in it is none of this check's business.
    model_config = ConfigDict(extra="ignore", frozen=True)


class _ClusterOwners(_Lenient):
    """The cluster section: its admins."""

    admins: list[GitIdentity] = Field(default_factory=list)


class _SiteOwners(_Lenient):
    """One site: its id and owners."""

    id: str
    owners: list[GitIdentity] = Field(default_factory=list)


class _OwnersFile(_Lenient):
    """sites.yaml as far as owners go."""

    cluster: _ClusterOwners = _ClusterOwners()
    sites: list[_SiteOwners] = Field(default_factory=list)


def from_sites_yaml(data: bytes, shown: str) -> Ownership:
    """Return the ownership a sites.yaml's bytes set, or raise ConfigError naming `shown`."""
    try:
        tree, node = parse(decode(data, shown), shown)
    except Problems as exc:
        raise ConfigError(exc.problems) from None
    try:
        spec = _OwnersFile.model_validate(tree if tree is not None else {})
    except ValidationError as exc:
        raise ConfigError(problems_from(exc, _OwnersFile, node, shown)) from None
    return Ownership(tuple(spec.cluster.admins), {site.id: tuple(site.owners) for site in spec.sites})


def describe(ownership: Ownership, site: str | None) -> str:
    """Return who owns a file of `site` (None: the admins' files), as messages show it."""
    admins = ", ".join(ownership.admins) or "none listed"
    if site is None:
        return f"only the cluster admins may change (admins: {admins})"
    owners = ", ".join(ownership.sites[site]) or "none listed"
    return f"belongs to site {site} (owners: {owners}; cluster admins: {admins})"


def remedy(ownership: Ownership, site: str | None, author: Author) -> str:
    """Return how to get a change an author may not make into the repository."""
    if site is None and not ownership.admins:
        return "sites.yaml lists no cluster.admins, so nobody may change this file: add them under cluster: in sites.yaml first"
    if site is None:
        return "take the commit out of the branch and ask a cluster admin to make this change"
    return (f"take the commit out of the branch and ask an owner of {site} or a cluster admin to make this change; "
            f"if {author.name} maintains {site}, a cluster admin adds them to its owners in sites.yaml")


def unowned(ownership: Ownership) -> list[Problem]:
    """Return a problem when sites.yaml names no cluster admins (nobody would own sites.yaml itself)."""
    if ownership.admins:
        return []
    return [Problem(_("cluster.admins is empty: nobody would own sites.yaml, themes/, checks/ or the deploy settings"), "sites.yaml",
                    hint=_("add 'admins: [<user name or e-mail>, ...]' under cluster: in sites.yaml"))]
