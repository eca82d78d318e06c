"""索引号: check numbers given by hand, assign missing ones once, and keep them in a committed file."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from sitegen.config.model import Cluster, Site
from sitegen.content.cache import Shelf
from sitegen.content.page import Page
from sitegen.errors import AssembleError, Problem, Problems
from sitegen.i18n import _
from sitegen.sources.encoding import read_text
from sitegen.sources.yamlio import parse

STORE_NAME = "_index_numbers.yaml"
STORE_HEADER = ("# 索引号分配记录 (index numbers given to 政府信息公开 entries).\n"
                "# Kept up to date by `sitegen build`; commit it. A number is never changed or reused.\n")


class IndexFormat:
    """An index-number scheme such as '{org}/{year}-{serial:05d}'."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.prefix_fmt, _unused, rest = fmt.partition("{serial")
        self.width = int(re.match(r":0(\d)d\}", rest).group(1))  # type: ignore[union-attr]
        self.suffix = rest.split("}", 1)[1]
        pattern = re.escape(fmt).replace(r"\{org\}", r"(?P<org>[0-9A-Z]{9}|[0-9A-Z]{18}|[0-9A-Z]{8}-[0-9A-Z])")
        pattern = pattern.replace(r"\{year\}", r"\d{4}").replace(r"\{month\}", r"(0[1-9]|1[0-2])")
        self.regex = re.compile(re.sub(r"\\\{serial:0\dd\\\}", rf"(?P<serial>\\d{{{self.width}}})", pattern))

    def scope(self, org: str, when: datetime) -> str:
        """Return the part before the serial: numbers in one scope count up together."""
        return self.prefix_fmt.format(org=org, year=f"{when.year:04d}", month=f"{when.month:02d}")

    def make(self, scope: str, serial: int) -> str:
        """Return the number with this serial; raise ValueError if the serial has more digits than the format."""
        if not 0 < serial < 10 ** self.width:
            raise ValueError(_("serial {serial} does not fit in {width} digits").format(serial=serial, width=self.width))
        return f"{scope}{serial:0{self.width}d}{self.suffix}"

    def split(self, number: str) -> tuple[str, int] | None:
        """Return (scope, serial) of a well-formed number, else None."""
        match = self.regex.fullmatch(number)
        if not match:
            return None
        start, end = match.span("serial")
        return number[:start], int(number[start:end])


@dataclass
class Record:
    """One line of the store: a number and the entry it was given to."""

    index_no: str
    file: str
    title: str
    date: str


@dataclass
class Store:
    """The committed record of one site's numbers."""

    path: Path
    records: list[Record]
    changed: bool = False

    def by_file(self) -> dict[str, Record]:
        return {r.file: r for r in self.records}


@dataclass
class Assignment:
    """The numbers of every entry, and what this build added."""

    numbers: dict[Path, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)

    def save(self) -> None:
        """Write the stores that changed (called only after a successful build)."""
        for store in self.stores:
            if store.changed:
                rows = [vars(r) for r in sorted(store.records, key=lambda r: r.index_no)]
                store.path.write_text(STORE_HEADER + yaml.safe_dump(rows, allow_unicode=True, sort_keys=False),
                                      encoding="utf-8")


def assign(cluster: Cluster, entries: dict[str, list[Page]], cache: Shelf | None = None) -> Assignment:
    """Return the index number of every entry (by site), or raise AssembleError listing every problem; `cache` keeps
    the parsed stores between builds."""
    fmt = IndexFormat(cluster.index_format)
    result, problems = Assignment(), list[Problem]()
    owners: dict[str, str] = {}  # number -> who holds it (file shown in messages)
    for site_id, pages in entries.items():
        site = cluster.sites[site_id]
        column = cluster.disclosure_column(site)
        if column is None:
            continue
        folder = cluster.content_dir / site_id / column.id
        store = _load_store(folder / STORE_NAME, cluster.root, problems, site_id, cache)
        result.stores.append(store)
        _assign_site(cluster, site, fmt, folder, store, pages, owners, result, problems)
    if problems:
        raise AssembleError(problems)
    return result


def _assign_site(cluster: Cluster, site: Site, fmt: IndexFormat, folder: Path, store: Store, pages: list[Page],
                 owners: dict[str, str], result: Assignment, problems: list[Problem]) -> None:
    shown_store = store.path.relative_to(cluster.root)
    for kept in store.records:
        _claim(kept.index_no, f"{shown_store} ({kept.file})", owners, fmt, problems, store_file=shown_store)
    recorded = store.by_file()
    waiting = []
    for page in pages:
        given = page.meta.disclosure.index_no if page.meta.disclosure else None
        record = recorded.get(page.source.name)
        if given:
            if record and record.index_no != given:
                problems.append(Problem(_("索引号 changed: {shown_store} gave this entry {index_no}, the front matter says {given}")
                                        .format(shown_store=shown_store,
                        index_no=record.index_no, given=given),
                                        page.source, page.lines.get("disclosure.index_no"),
                                        hint=_("a published number never changes: remove index_no from the front matter")))
            elif not record:
                _claim(given, str(page.source), owners, fmt, problems, page=page)
            result.numbers[page.source] = given
        elif record:
            result.numbers[page.source] = record.index_no
        else:
            waiting.append(page)
    _assign_new(cluster, site, fmt, folder, store, waiting, result, problems)


def _claim(number: str, holder: str, owners: dict[str, str], fmt: IndexFormat, problems: list[Problem],
           page: Page | None = None, store_file: Path | None = None) -> None:
    where = page.source if page else store_file
    line = page.lines.get("disclosure.index_no") if page else None
    if fmt.split(number) is None:
        example = fmt.make(fmt.scope("11000000MB0000000X", datetime(2026, 1, 1)), 12)
        problems.append(Problem(_("malformed 索引号 '{number}'").format(number=number), where, line,
                                hint=_("the cluster's format is {fmt}, e.g. {example}").format(fmt=fmt.fmt,
                example=example)))
    elif number in owners:
        problems.append(Problem(_("索引号 {number} is used twice: here and in {value}").format(number=number, value=owners[number]), where,
                                line,
                                hint=_("every entry needs its own number; remove index_no to have one generated")))
    else:
        owners[number] = holder


def _assign_new(cluster: Cluster, site: Site, fmt: IndexFormat, folder: Path, store: Store, waiting: list[Page],
                result: Assignment, problems: list[Problem]) -> None:
    if not waiting:  # every entry has its number: the usual build
        return
    orphans = [r for r in store.records if not (folder / r.file).exists()]
    highest: dict[str, int] = {}
    for number in list(result.numbers.values()) + [r.index_no for r in store.records]:
        parts = fmt.split(number)
        if parts:
            highest[parts[0]] = max(highest.get(parts[0], 0), parts[1])
    for page in sorted(waiting, key=lambda p: (p.date, p.source)):
        renamed = next((r for r in orphans if r.title == page.title and r.date == _day(page)), None)
        if renamed is not None:
            orphans.remove(renamed)
            result.notes.append(f"{page.source}: kept 索引号 {renamed.index_no} (renamed from {renamed.file})")
            renamed.file, store.changed = page.source.name, True
            result.numbers[page.source] = renamed.index_no
            continue
        org = _publisher_org(cluster, site, page, problems)
        if org is None:
            continue
        scope = fmt.scope(org, page.date)  # type: ignore[arg-type]
        highest[scope] = highest.get(scope, 0) + 1
        try:
            number = fmt.make(scope, highest[scope])
        except ValueError:
            problems.append(Problem(_("索引号 {scope}… has run out of serial numbers ({width} digits)")
                                    .format(scope=scope, width=fmt.width),
                                    page.source,
                                    hint=_("the cluster admin gives the serial more digits in sites.yaml, e.g. disclosure: {index_format: "
                                           "'{org}/{year}-{serial:06d}'}")))
            continue
        store.records.append(Record(number, page.source.name, page.title, _day(page)))
        store.changed = True
        result.numbers[page.source] = number
        result.notes.append(f"{page.source}: assigned 索引号 {number}")


def _publisher_org(cluster: Cluster, site: Site, page: Page, problems: list[Problem]) -> str | None:
    if site.org_code:
        return site.org_code
    problems.append(Problem(_("site '{site_id}' has no org_code, needed to generate 索引号").format(site_id=site.id), page.source,
                            hint=_("add org_code (the 18-character 统一社会信用代码) to the site in sites.yaml")))
    return None


def _day(page: Page) -> str:
    return page.date.strftime("%Y-%m-%d") if page.date else ""


def _load_store(path: Path, root: Path, problems: list[Problem], site_id: str, cache: Shelf | None) -> Store:
    """Read a site's store; parsed once per change of its text when given a `cache` (of the site's sources)."""
    if not path.is_file():
        return Store(path, [])
    shown = path.relative_to(root)
    try:
        text = read_text(path, shown)
        known = cache.get(site_id, shown.as_posix()) if cache is not None else None
        data = known[1] if known is not None and known[0] == text else parse(text, shown)[0]
        if cache is not None and (known is None or known[0] != text):
            cache.put(site_id, shown.as_posix(), (text, data))
    except Problems as exc:
        problems.extend(exc.problems)
        return Store(path, [])
    records = []
    for i, row in enumerate(data or []):
        if not isinstance(row, dict) or set(row) != {"index_no", "file", "title", "date"}:
            problems.append(Problem(_("entry {value} must have index_no, file, title and date").format(value=i + 1), shown,
                                    hint=_("restore the file from version control")))
            continue
        records.append(Record(**{k: str(v) for k, v in row.items()}))
    return Store(path, records)
