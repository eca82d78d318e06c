"""Front matter of a content file: split it off, validate it, parse its dates."""
from __future__ import annotations

import re
import sys
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from sitegen.errors import Problem, Problems, invalid
from sitegen.i18n import N_, _
from sitegen.sources.encoding import visible
from sitegen.sources.validation import problems_from
from sitegen.sources.yamlio import parse

FIRST_YEAR, LAST_YEAR = 1900, 2100  # outside: a typo (0001-01-01 gave feeds the offset +08:05:43)
DATE_HINT = N_("write dates as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2024-03-01 09:30")
_DATE_RX = re.compile(
    r"(?P<y>\d{4})[-/年](?P<m>\d{1,2})[-/月](?P<d>\d{1,2})日?"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """Return an aware datetime from a front-matter value, in `tz` unless it names its own offset."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tz)
    if not isinstance(value, str):
        raise invalid(_("'{value}' is not a date").format(value=value), _(DATE_HINT))
    match = _DATE_RX.fullmatch(value.strip())
    if not match:
        raise invalid(_("'{value}' is not a date").format(value=value), _(DATE_HINT))
    g = match.groupdict()
    try:
        naive = datetime(int(g["y"]), int(g["m"]), int(g["d"]), int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0))
    except ValueError:
        raise invalid(_("'{value}' is not a real date").format(value=value), _(DATE_HINT)) from None
    if not FIRST_YEAR <= naive.year <= LAST_YEAR:
        raise invalid(_("'{value}' is not a plausible date (the year must be {first}-{last})").format(
            value=value, first=FIRST_YEAR, last=LAST_YEAR), _(DATE_HINT))
    if g["tz"]:
        return datetime.fromisoformat(naive.isoformat() + ("+00:00" if g["tz"] == "Z" else g["tz"]))
    return naive.replace(tzinfo=tz)


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _readable(cls, value: Any, info: ValidationInfo) -> Any:
        """Refuse invisible control characters; read dates in the cluster's time zone."""
        visible(value)
        if info.field_name in cls.date_fields and value is not None:
            assert info.context is not None  # parse_meta always gives the time zone
            return parse_datetime(value, info.context["tz"])
        return value

    date_fields: ClassVar[frozenset[str]] = frozenset()


M = TypeVar("M", bound=_Meta)


class AttachmentSpec(BaseModel):
    """An attachment with a display title."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    title: str | None = None


class DisclosureMeta(_Meta):
    """政府信息公开 metadata of a disclosure entry."""

    index_no: str | None = Field(None, description="索引号")
    publisher: str | None = Field(None, description="发布机构 (default: the site's name)")
    doc_no: str | None = Field(None, description="文号, e.g. 示财发〔2024〕12号")
    written: datetime | None = Field(None, description="成文日期")
    topic: str | None = Field(None, description="主题分类, e.g. 综合政务\\政务公开")
    genre: str | None = Field(None, description="体裁分类, e.g. 通知")
    audience: str | None = Field(None, description="服务对象分类")
    validity: Literal["有效", "失效", "废止"] = "有效"
    validity_changed: datetime | None = Field(None, description="date the 有效性 changed")
    mode: Literal["主动公开", "依申请公开"] = Field("主动公开", description="公开方式")
    normative: Literal["规章", "行政规范性文件"] | None = Field(None, description="counted in the annual report")
    keywords: list[str] = Field(default_factory=list)

    date_fields: ClassVar[frozenset[str]] = frozenset({"written", "validity_changed"})


class ReviewMeta(_Meta):
    """Who reviewed and who approved a page before it was published (三审: 撰稿 is the author)."""

    reviewed_by: str | None = Field(None, description="审核: who reviewed the text")
    approved_by: str | None = Field(None, description="签发: who approved its publication")
    approved_at: datetime | None = Field(None, description="date of the approval")

    date_fields: ClassVar[frozenset[str]] = frozenset({"approved_at"})

    @field_validator("reviewed_by", "approved_by")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class PageMeta(_Meta):
    """Front matter of an article, notice or disclosure entry."""

    title: str = Field(min_length=1)
    date: datetime | None = Field(None, description="publish date; required in columns")
    summary: str = ""
    tags: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    author: str | None = None
    source: str | None = Field(None, description="来源, shown and given as ContentSource")
    cover: str | None = Field(None, description="image beside the page")
    attachments: list[str | AttachmentSpec] = Field(default_factory=list)
    pinned: bool = Field(False, description="置顶: listed first")
    weight: int = 0
    draft: bool = False
    publish_at: datetime | None = None
    expire_at: datetime | None = None
    visibility: Literal["public", "internal"] = "public"
    slug: str | None = None
    interprets: str | None = Field(None, description="政策解读: link to the .md of the policy this page interprets")
    disclosure: DisclosureMeta | None = None
    submit_to: list[str] = Field(default_factory=list, description="报送: columns of other sites to submit this item to, "
                                 "as site/column, e.g. [portal/news]")
    review: ReviewMeta | None = Field(None, description="三审: reviewed_by, approved_by, approved_at")

    date_fields: ClassVar[frozenset[str]] = frozenset({"date", "publish_at", "expire_at"})

    @field_validator("title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("the title is empty; fix: write the title after 'title:'"))
        return value.strip()

    @field_validator("submit_to", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("submit_to")
    @classmethod
    def _targets(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*", value.strip()):
                raise ValueError(_("'{value}' is not a column of a site; fix: write each target as site/column, e.g. submit_to: "
                                   "[portal/news]").format(value=value))
        return list(dict.fromkeys(v.strip() for v in values))

    @property
    def approved(self) -> bool:
        """Return True if the front matter names who approved the page (签发)."""
        return self.review is not None and self.review.approved_by is not None

    @field_validator("tags", "keywords")
    @classmethod
    def _no_blank(cls, values: list[str]) -> list[str]:
        return [v.strip() for v in values if v and v.strip()]


class IndexMeta(_Meta):
    """Front matter of the _index.md of a special column (专题) or of one of its sections."""

    title: str | None = Field(None, description="default: the column's title, or the section's folder name")
    banner: str | None = Field(None, description="banner image beside the file (the column's _index.md only)")
    banner_alt: str | None = Field(None, description="what the banner shows, for readers who cannot see it")
    weight: int = Field(0, description="sections are listed by weight (lighter first), then by folder name")

    @field_validator("title", "banner", "banner_alt")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if isinstance(value, str) else value


APPLICATION_ONLY = "依申请公开"


_GIVEN: dict[frozenset[str], set[str]] = {}  # each set of fields that front matter gives, once


def shared(meta: M) -> M:
    """Return the model with its set of given fields, and its nested models' sets, shared with every model that gives
    the same fields: pydantic keeps a set for each model, 0.2-0.7 KB (100,000 pages held 80 MB of equal sets). The
    models are frozen: nothing changes a set (pydantic copies it for a changed copy of a model)."""
    given = meta.model_fields_set
    object.__setattr__(meta, "__pydantic_fields_set__", _GIVEN.setdefault(frozenset(given), given))
    for value in meta.__dict__.values():
        if isinstance(value, _Meta):
            shared(value)
    return meta


def application_only(meta: PageMeta) -> bool:
    """Return True for a 依申请公开 document: published as metadata only, its text given on application."""
    return meta.disclosure is not None and meta.disclosure.mode == APPLICATION_ONLY


def split(text: str, shown: Path | str) -> tuple[str, str, int]:
    """Return (front matter, body, body's first line number) of a content file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise Problems([Problem(
            _("the file does not start with front matter"), shown, line=1,
            hint=_("begin the file with a line '---', then 'title: ...' and 'date: YYYY-MM-DD', then '---'"),
        )])
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise Problems([Problem(_("the front matter is never closed"), shown, line=1,
                            hint=_("add a line '---' after the last front-matter key"))])


def parse_meta(front: str, shown: Path | str, tz: tzinfo) -> tuple[PageMeta, dict[str, int]]:
    """Return validated front matter and the line of each key, or raise Problems with every problem located."""
    return _validated(PageMeta, front, shown, tz)


def parse_index_meta(front: str, shown: Path | str, tz: tzinfo) -> tuple[IndexMeta, dict[str, int]]:
    """Return the validated front matter of an _index.md and the line of each key, or raise Problems."""
    return _validated(IndexMeta, front, shown, tz)


def _validated(model: type[M], front: str, shown: Path | str, tz: tzinfo) -> tuple[M, dict[str, int]]:
    data, node = parse(front, shown, line_offset=1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Problems([Problem(_("front matter must be 'key: value' lines"), shown, line=2)])
    try:
        return model.model_validate(data, context={"tz": tz}), key_lines(node, offset=2)
    except ValidationError as exc:
        raise Problems(problems_from(exc, model, node, shown, line_offset=1)) from None


def key_lines(node: Any, offset: int, prefix: str = "") -> dict[str, int]:
    """Return {'title': 2, 'disclosure.topic': 9, ...}: the file line of every key, one level of nesting."""
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        name = sys.intern(prefix + str(key.value))  # one string for all pages (and once in a pickle of many)
        lines[name] = key.start_mark.line + offset
        if not prefix:
            lines.update(key_lines(value, offset, name + "."))
    return lines
