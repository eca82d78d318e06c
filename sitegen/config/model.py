"""The configured cluster as plain data: Cluster, Site, Column. Behaviour lives in the stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from sitegen.config.schema import Channel, CheckSpec, ColumnType, DeploySpec, Footer, ReviewSpec, ThemeOptions
from sitegen.config.taxonomy import Taxonomy


@dataclass(frozen=True)
class Column:
    """A column (栏目) of one site."""

    id: str
    title: str
    type: ColumnType
    page_size: int
    description: str = ""
    in_nav: bool = True
    # only sitegen check reads these: left out of the site key (repr) so marking a column archived rebuilds nothing
    update_within: int | None = field(default=None, repr=False)  # days; None: the limit of the column's type
    archived: bool = field(default=False, repr=False)  # a historical 专题: exempt from the update rules
    # what is submitted and adopted is in the listings' inputs; the setting itself shows on no page
    accepts_submissions: bool = field(default=False, repr=False)


@dataclass(frozen=True)
class Site:
    """One site of the cluster, with settings resolved against the defaults."""

    id: str
    name: str
    kind: str
    origin: str  # scheme and host, no trailing slash
    prefix: str  # path of the site's root on its host, always ending in '/'
    columns: dict[str, Column]
    footer: Footer
    theme: str
    theme_options: ThemeOptions
    org_code: str | None = None
    description: str = ""
    allow_html: bool = False
    review: ReviewSpec = field(default_factory=ReviewSpec)  # 三审: whether pages need approved_by, and show it
    interaction: tuple[Channel, ...] = ()  # 互动交流: on the home page, the footer and 联系我们
    owners: tuple[str, ...] = field(default=(), repr=False)  # Git identities: people, never on a page
    line: int | None = field(default=None, compare=False, repr=False)  # of its url in sites.yaml; no output shows it

    @property
    def base_url(self) -> str:
        """Absolute URL of the site's home page."""
        return self.origin + self.prefix

    @property
    def domain(self) -> str:
        """Host name, as the SiteDomain meta tag wants it."""
        return self.origin.split("://", 1)[1]


@dataclass(frozen=True)
class Cluster:
    """The whole cluster configuration: settings and sites in sites.yaml order."""

    name: str
    base_url: str
    language: str
    tz: tzinfo
    org_code: str | None
    sites: dict[str, Site]
    root: Path  # folder holding sites.yaml
    taxonomy: Taxonomy  # 主题分类 and 体裁分类 of the disclosure catalogue
    index_format: str = "{org}/{year}-{serial:05d}"
    feed_items: int = 20
    page_size: int = 20
    deploy: DeploySpec = field(default_factory=DeploySpec)
    admins: tuple[str, ...] = ()  # Git identities who own everything (sitegen/owners)
    check: CheckSpec = field(default_factory=CheckSpec)  # limits of sitegen check; no output shows them
    traditional: bool = False  # every page also in 繁體 under <site>/zh-hant/

    @property
    def portal(self) -> Site:
        """The one portal site."""
        return next(s for s in self.sites.values() if s.kind == "portal")

    def disclosure_column(self, site: Site) -> Column | None:
        """Return the site's 政府信息公开 column, if it has one."""
        return next((c for c in site.columns.values() if c.type == ColumnType.disclosure), None)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def themes_dir(self) -> Path:
        return self.root / "themes"
