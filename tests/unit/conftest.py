"""Factories for unit tests: plain data objects built in memory, no cluster on disk."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sitegen.config.model import Column, Site
from sitegen.config.schema import ColumnType, Footer, ThemeOptions
from sitegen.content.frontmatter import PageMeta
from sitegen.content.page import Page

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def make_site() -> Callable[..., Site]:
    """Return a factory of Sites: `make_site("town", prefix="/town/")`; origin defaults to the portal's host."""

    def factory(id: str = "portal", *, origin: str = "https://www.test.gov.cn", prefix: str = "/", **fields: Any) -> Site:
        values: dict[str, Any] = {
            "name": f"{id} 站", "kind": "portal" if id == "portal" else "department",
            "columns": {"news": Column("news", "工作动态", ColumnType.news, 20)},
            "footer": Footer(), "theme": "gov", "theme_options": ThemeOptions(), **fields,
        }
        return Site(id=id, origin=origin, prefix=prefix, **values)

    return factory


@pytest.fixture
def make_page() -> Callable[..., Page]:
    """Return a factory of Pages: `make_page(slug="x", title="标题")`; front-matter keys go to the meta."""

    def factory(*, site: str = "portal", column: str | None = "news", slug: str = "first", body: str = "正文。",
                html: str = "<p>正文。</p>", date: datetime | None = datetime(2026, 3, 1, tzinfo=TZ), **rest: Any) -> Page:
        page_fields = {k: rest.pop(k) for k in ("source", "cover", "attachments", "assets", "lines", "key", "body_line", "excerpt")
                       if k in rest}
        meta = PageMeta.model_validate({"title": "标题", "date": date, **rest}, context={"tz": TZ})
        source = page_fields.pop("source", Path(f"content/{site}/{column or ''}/{slug}.md"))
        return Page(site=site, column=column, slug=slug, source=source, meta=meta, body=body,
                    body_line=page_fields.pop("body_line", 5), date=date, html=html, **page_fields)

    return factory
