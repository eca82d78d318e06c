"""The 20-working-day deadline of proactive disclosure: working days between an entry's 成文日期 and its publication."""
from __future__ import annotations

from datetime import date, timedelta

from sitegen.config.schema import CheckSpec
from sitegen.content.page import Page


def working_days(start: date, end: date, settings: CheckSpec, limit: int) -> int:
    """Return the working days after `start` up to `end`, counting no further than limit + 1."""
    holidays, workdays = set(settings.holidays), set(settings.workdays)
    count, day = 0, start
    while day < end and count <= limit:
        day += timedelta(days=1)
        if day in workdays or (day.weekday() < 5 and day not in holidays):
            count += 1
    return count


def late(page: Page, settings: CheckSpec) -> bool:
    """Return True if an entry was published more than check.disclosure_working_days working days after its 成文日期."""
    written = page.meta.disclosure.written if page.meta.disclosure else None
    if written is None or page.date is None:
        return False
    limit = settings.disclosure_working_days
    return working_days(written.date(), page.date.date(), settings, limit) > limit
