"""Typed schemas for sites.yaml and _site.yaml: every key declared, documented and checked."""
from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from sitegen.errors import invalid
from sitegen.i18n import _
from sitegen.sources.encoding import visible

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_USER_NAME = r"@?[^\s@/#\\]+"
_EMAIL = r"[^\s@/#\\]+@[^\s@/#\\]+"


def _git_identity(value: str) -> str:
    """Return `value` if it is a Git host user name (`zhangsan`, `@zhangsan`) or an e-mail address, else raise."""
    if re.fullmatch(_USER_NAME, value) or re.fullmatch(_EMAIL, value):
        return value
    if re.fullmatch(r"@[^\s@/#\\]+/[^\s@/#\\]+", value):
        raise invalid(_("'{value}' is a team: a commit names one person, so teams cannot be checked").format(value=value),
                      _("list the team's members, each by user name or e-mail address"))
    raise invalid(_("'{value}' is not a Git identity").format(value=value),
                  _("write one Git host user name (zhangsan or '@zhangsan') or one e-mail address "
                    "(zhangsan@czj.example.gov.cn) per list item, without spaces"))


# who may change a site (owners) or everything (cluster admins); how a commit's author is matched: sitegen/owners/identity.py
GitIdentity = Annotated[str, AfterValidator(_git_identity)]


def check_site_code(value: str) -> str:
    """Return `value` if it is a 网站标识码 (10 letters or digits), else raise ValueError."""
    if not re.fullmatch(r"[A-Za-z0-9]{10}", value):
        raise invalid(_("网站标识码 must be 10 letters or digits"), _('quote it in YAML, e.g. site_code: "1304000009"'))
    return value


def check_org_code(value: str) -> str:
    """Return `value` if it is an organisation code (9 characters) or a 统一社会信用代码 (18), else raise ValueError."""
    if not re.fullmatch(r"[0-9A-Z]{9}|[0-9A-Z]{18}|[0-9A-Z]{8}-[0-9A-Z]", value):
        raise ValueError(_("org_code must be the 9-character code or the 18-character 统一社会信用代码"))
    return value


class Strict(BaseModel):
    """Base for schema sections: unknown keys are errors, and no text carries an invisible control character."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _visible(cls, value: Any) -> Any:
        return visible(value)


class Footer(Strict):
    """The identifiers every page's footer must show (see GOV-RULES.md)."""

    sponsor: str | None = Field(None, description="主办单位")
    organizer: str | None = Field(None, description="承办单位")
    site_code: str | None = Field(None, description="网站标识码, 10 characters")
    icp: str | None = Field(None, description="ICP备案号, e.g. 京ICP备12345678号")
    police: str | None = Field(None, description="公安机关备案号, e.g. 京公网安备 11010502000001号")
    contact: str | None = Field(None, description="联系方式 shown in the footer")
    conac_url: str | None = Field(None, description="link target of the 党政机关网站标识")

    @field_validator("site_code")
    @classmethod
    def _site_code_shape(cls, value: str | None) -> str | None:
        return value if value is None else check_site_code(value)


class ColumnType(str, Enum):
    """What a column holds; inspections judge staleness by type."""

    news = "news"
    notice = "notice"
    policy = "policy"
    disclosure = "disclosure"
    general = "general"
    special = "special"  # 专题专栏: a landing page with banner and introduction, items in section sub-folders


# a catalogue row is scanned, not read like a headline: 50 rows keep a page near 40 KB while a 2,000-entry
# catalogue stays about 40 pages
CATALOGUE_PAGE_SIZE = 50


class ColumnSpec(Strict):
    """One column (栏目) of a site."""

    id: str = Field(pattern=ID_PATTERN, description="folder name and URL segment")
    title: str = Field(min_length=1, description="column name shown to readers")
    type: ColumnType = ColumnType.general
    page_size: int | None = Field(None, ge=1, le=200, description="items per listing page; a disclosure column's "
                                  f"catalogue: rows per page (default {CATALOGUE_PAGE_SIZE}, not defaults.page_size)")
    description: str = ""
    in_nav: bool = Field(True, description="show in the site's main navigation")
    update_within: int | None = Field(None, ge=1, description="days within which the column must get a new item "
                                      "(sitegen check); overrides the limit of its type in check:, and makes a general "
                                      "column checked too")
    archived: bool = Field(False, description="a historical special topic (历史性工作专题): exempt from the update "
                           "rules of sitegen check (column-stale, column-empty); a special column shows it as 历史专题")
    accepts_submissions: bool | None = Field(None, description="other sites' items may be submitted (报送) to this column "
                                             "with 'submit_to:'; default: yes for the portal's news columns, no elsewhere")


class ReviewSpec(Strict):
    """Review before publishing (三审: 撰稿, 审核, 签发) of one site."""

    required: bool = Field(False, description="a page is published only once its front matter names who approved it "
                           "(review: {approved_by: 姓名}); until then it is withheld like a draft")
    show_review: bool = Field(False, description="articles show 审核 and 签发 (reviewed_by, approved_by)")


IMAGE_OPTIONS = ("logo", "emblem", "conac_badge")  # theme options naming an image file


def contrast(colour: str, other: str = "#ffffff") -> float:
    """Return the WCAG 2.1 contrast ratio of two '#rrggbb' colours (1 to 21)."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(colour), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


AA_TEXT = 4.5  # WCAG 2.1 AA, normal text (1.4.3)


def _darker(colour: str) -> str:
    """Return the same hue darkened just enough to pass AA against white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(100, 0, -1):
        shade = "#" + "".join(f"{round(c * step / 100):02x}" for c in rgb)
        if contrast(shade) >= AA_TEXT:
            return shade
    return "#000000"


class ThemeOptions(Strict):
    """Per-site look without copying the theme."""

    primary_color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$",
                                      description="the masthead, the navigation and the current page: white text is drawn on it")
    accent_color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$", description="the colour of links on the white page")
    logo: str | None = Field(None, description="image path relative to sites.yaml")
    emblem: str | None = Field(None, description="the mark before the site's name (e.g. 国徽 or the unit's badge); default: a neutral mark")
    conac_badge: str | None = Field(None, description="the 党政机关网站标识 image shown with footer.conac_url")

    @field_validator("primary_color", "accent_color")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        # white text on the primary colour, links of the accent colour on white: both must stay readable (WCAG 2.1 AA)
        if value is not None and (ratio := contrast(value)) < AA_TEXT:
            raise invalid(_("the colour {value} is too light: text on it or in it has a contrast of {ratio:.2f}:1 against "
                            "white, and WCAG 2.1 AA asks for {aa}:1").format(value=value, ratio=ratio, aa=AA_TEXT),
                          _("choose a darker shade of the colour (for example {darker})").format(darker=_darker(value)))
        return value

    def images(self) -> dict[str, str]:
        """Return the image options that are set: name -> path as given."""
        return {name: path for name in IMAGE_OPTIONS if (path := getattr(self, name))}


class SiteLocal(Strict):
    """Settings a site may keep in content/<site>/_site.yaml."""

    name: str | None = None
    description: str | None = None
    footer: Footer | None = None
    theme_options: ThemeOptions | None = None
    owners: None = Field(None, description="refused: a site's owners are set in sites.yaml only")
    allow_html: bool | None = None

    @field_validator("owners", mode="before")
    @classmethod
    def _no_own_owners(cls, value: Any) -> None:
        # An error rather than ignored: _site.yaml is in the site's own folder, so a unit could otherwise widen who
        # may change its site, and a key silently ignored would look as if it had worked.
        raise invalid(_("a site cannot name its own owners: they are set in sites.yaml, which only the cluster admins "
                        "change"), _("remove 'owners' from this file and ask a cluster admin to change the site's owners "
                                     "in sites.yaml"))


class SiteSpec(Strict):
    """One site of the cluster."""

    id: str = Field(pattern=ID_PATTERN, description="folder under content/ and build/")
    name: str = Field(min_length=1)
    kind: Literal["portal", "department", "township"]
    url: str = Field(description="'/' for the portal, '/path/' under the portal host, or 'https://host/'")
    description: str = ""
    org_code: str | None = Field(None, description="organisation code (9 or 18 characters)")
    columns: list[ColumnSpec] | None = Field(None, description="default: defaults.columns")
    theme: str | None = None
    theme_options: ThemeOptions = ThemeOptions()
    footer: Footer = Footer()
    allow_html: bool = Field(False, description="allow raw HTML in Markdown (sanitised)")
    review: ReviewSpec | None = Field(None, description="review before publishing (default: defaults.review)")
    interaction: list[Channel] | None = Field(None, description="互动交流 channels (default: defaults.interaction); set here "
                                              "only, not in _site.yaml: an embedded channel widens the servers' CSP")
    owners: list[GitIdentity] = Field(default_factory=list,
                                      description="Git identities who may change content/<site>/ (user names or e-mail addresses)")

    @field_validator("url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if value == "/" or re.fullmatch(r"/[a-z0-9][a-z0-9/-]*/", value):
            return value
        if re.fullmatch(r"https?://[a-z0-9.-]+(:\d+)?/", value):
            return value
        raise ValueError(_("url must be '/', a path like '/finance/', or a host like 'https://finance.example.gov.cn/'"))

    @field_validator("org_code")
    @classmethod
    def _org_code_shape(cls, value: str | None) -> str | None:
        return value if value is None else check_org_code(value)


class Channel(Strict):
    """One 互动交流 channel: 领导信箱, 12345 热线, 征集调查, 在线访谈 ..."""

    name: str = Field(min_length=1, description="what readers see, e.g. 市长信箱")
    url: str = Field(pattern=r"^https?://[^\s\"'<>]+$", description="the channel's address (http:// or https://)")
    embed: bool = Field(False, description="show the channel in the page (an iframe) instead of linking to it")

    @property
    def origin(self) -> str:
        """Return the scheme and host of the channel's address, as a CSP source."""
        scheme, rest = self.url.split("://", 1)
        return f"{scheme}://{re.split(r'[/?#]', rest, maxsplit=1)[0]}"


class Defaults(Strict):
    """Values every site gets unless it says otherwise."""

    theme: str = "gov"
    page_size: int = Field(20, ge=1, le=200)
    feed_items: int = Field(20, ge=1, le=500)
    columns: list[ColumnSpec] = Field(default_factory=list)
    review: ReviewSpec = ReviewSpec()
    interaction: list[Channel] = Field(default_factory=list, description="互动交流 channels of every site")


class ClusterSpec(Strict):
    """Cluster-wide settings."""

    name: str = Field(min_length=1, description="name of the website cluster")
    base_url: str = Field(pattern=r"^https?://[a-z0-9.-]+(:\d+)?$", description="portal origin, no trailing slash")
    language: str = "zh-CN"
    traditional: bool = Field(False, description="also publish every page in Traditional Chinese (繁體), under <site URL>zh-hant/, "
                              "with a 简体/繁體 switch on every page")
    timezone: str = "Asia/Shanghai"
    org_code: str | None = None
    footer: Footer = Footer()
    admins: list[GitIdentity] = Field(default_factory=list, description="Git identities who own everything: "
                                      "sites.yaml, themes/, checks/, deploy settings and every site")


class DisclosureSpec(Strict):
    """政府信息公开 settings of the whole cluster."""

    index_format: str = Field("{org}/{year}-{serial:05d}",
                              description="索引号 format; fields {org}, {year}, {month}, {serial:0Nd}")
    topics: str | None = Field(None, description="主题分类 data file replacing the gov.cn taxonomy (path from sites.yaml)")
    genres: str | None = Field(None, description="体裁分类 data file replacing the built-in list")

    @field_validator("index_format")
    @classmethod
    def _format_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[^{}]*\{org\}[^{}]*\{year\}[^{}]*(\{month\}[^{}]*)?\{serial:0[3-8]d\}", value):
            raise invalid(_("index_format needs {org}, {year}, optionally {month}, then {serial:05d} (3 to 8 digits)"),
                          _("e.g. '{org}/{year}-{serial:05d}' or '{org}/{year}{month}-{serial:05d}'"))
        return value


class CheckSpec(Strict):
    """`sitegen check`: the limits of the national inspection (政府网站与政务新媒体检查指标, 2019). No output shows them."""

    homepage_days: int = Field(14, ge=1, description="the home page must show an item newer than this many days "
                               "(homepage-stale, a single veto)")
    news_days: int = Field(14, ge=1, description="a news (动态) column must get a new item within this many days")
    notice_days: int = Field(183, ge=1, description="a notice (通知公告) column must get a new item within this many days")
    policy_days: int = Field(183, ge=1, description="a policy (政策文件) or disclosure (政府信息公开) column must get a new "
                             "item within this many days")
    special_days: int = Field(183, ge=1, description="a current special topic (专题) column must get a new item within "
                              "this many days; archived ones are exempt")
    stale_columns: int = Field(5, ge=1, description="this many stale columns (column-stale) make a site 不合格")
    empty_columns: int = Field(5, ge=1, description="this many empty columns (column-empty) make a site 不合格")
    long_stale_columns: int = Field(10, ge=1, description="this many long-stale columns (应更新但长期未更新) make a site 不合格")
    long_stale_days: int = Field(365, ge=1, description="a column that should be updated and has nothing newer than "
                                 "this many days counts as long stale")
    banned_words: str | None = Field(None, description="file of banned words (违禁词), one per line, from sites.yaml's folder")
    typos: str | None = Field(None, description="file of common mistakes, 'wrong<TAB>right' per line, from sites.yaml's folder")
    hotlines: list[str] = Field(default_factory=list, description="official mobile numbers that may be published unmasked")
    link_timeout: float = Field(10, gt=0, le=300, description="seconds an external link's server may take to answer "
                                "before the link counts as dead (link-external, with --external)")
    link_host_limit: int = Field(2, ge=1, le=16, description="how many external links of one server are fetched at "
                                 "the same time (link-external, with --external)")
    disclosure_working_days: int = Field(20, ge=1, description="a 政府信息公开 entry must be published within this many "
                                         "working days of its 成文日期 (disclosure-late)")
    holidays: list[date] = Field(default_factory=list, description="public holidays on working days (法定节假日), "
                                 "not counted as working days")
    workdays: list[date] = Field(default_factory=list, description="weekend days worked instead (调休上班日), counted "
                                 "as working days")


class TargetSpec(Strict):
    """A web server the cluster is deployed to, over SSH. Secrets stay out of the repository."""

    name: str = Field(pattern=ID_PATTERN)
    host: str = Field(min_length=1)
    port: int = Field(22, ge=1, le=65535)
    user: str = Field(min_length=1)
    key: str | None = Field(None, description="path of the private key; ~ and ${VAR} are expanded")
    key_env: str | None = Field(None, description="name of an environment variable holding the key's path")
    known_hosts: str | None = Field(None, description="known_hosts file to check the server's host key against")
    path: str = Field(pattern=r"^/.+", description="release root on the server: releases/ and the current symlink")
    sites: list[str] | None = Field(None, description="site ids served here (default: all)")
    rsync_path: str | None = Field(None, description="rsync command on the server, if not 'rsync'")
    bwlimit: int | None = Field(None, ge=1, description="upload limit in KiB/s")


class NginxSpec(Strict):
    """What `sitegen nginx-config` writes."""

    listen: int = Field(80, ge=1, le=65535)
    root: str | None = Field(None, description="the release root on the web server (default: the first target's path)")
    certificate: str | None = Field(None, description="TLS certificate: serve HTTPS, redirect HTTP, send HSTS")
    certificate_key: str | None = None


class DeploySpec(Strict):
    """Where and how the built cluster is published."""

    keep: int = Field(5, ge=2, description="releases kept on each target (the live and the previous one always)")
    targets: list[TargetSpec] = Field(default_factory=list)
    nginx: NginxSpec = NginxSpec()


class ConfigFile(Strict):
    """The whole of sites.yaml."""

    cluster: ClusterSpec
    defaults: Defaults = Defaults()
    disclosure: DisclosureSpec = DisclosureSpec()
    deploy: DeploySpec = DeploySpec()
    check: CheckSpec = Field(CheckSpec(), description="limits of sitegen check, the national website inspection")
    sites: list[SiteSpec] = Field(min_length=1)
