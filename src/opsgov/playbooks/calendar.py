"""Working calendars: which days count when a checklist is dated.

A site's calendar is the workspace's shared calendar (weekends and holidays), refined by the
rule for its region and then by the rule for its country: a rule's weekends replace the ones
before it, its holidays are added. Without a workspace calendar, Saturday and Sunday are off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from opsgov.models.workspace import Calendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names in `date.weekday()` order."""

_MAX_SCAN_DAYS = 3660
"""A calendar with no working day in ten years is a mistake, not a reason to loop for ever."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Days off (weekdays and dates) of one site; `every_day` counts every day as working."""

    weekends: frozenset[int] = frozenset({5, 6})
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    every_day: bool = False

    def is_working(self, day: dt.date) -> bool:
        """True on a working day."""
        if self.every_day:
            return True
        return day.weekday() not in self.weekends and day not in self.holidays

    def next_working(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("the calendar has no working day")

    def after(self, day: dt.date) -> dt.date:
        """The first working day after `day`."""
        return self.next_working(day + dt.timedelta(days=1))

    def add_working(self, day: dt.date, days: int) -> dt.date:
        """The working day `days` working days after working day `day` (0: `day` itself)."""
        day = self.next_working(day)
        for _ in range(days):
            day = self.after(day)
        return day

    def shift_working(self, day: dt.date, days: int) -> dt.date:
        """The day `days` working days from `day` (0: `day`, or the next working day).

        -5 is the fifth working day before `day`; 3 the third working day after it.
        """
        if days == 0:
            return self.next_working(day)
        if days > 0:
            return self.add_working(self.after(day), days - 1)
        for _ in range(-days):
            day = self.before(day)
        return day

    def before(self, day: dt.date) -> dt.date:
        """The last working day before `day`."""
        for _ in range(_MAX_SCAN_DAYS):
            day -= dt.timedelta(days=1)
            if self.is_working(day):
                return day
        raise ValueError("the calendar has no working day")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days from `start` up to but not including `end` (negative when reversed)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            count += self.is_working(day)
            day += dt.timedelta(days=1)
        return count

    def holidays_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The holidays from `start` to `end`, inclusive, in order."""
        return sorted(d for d in self.holidays if start <= d <= end)

    @property
    def weekend_names(self) -> list[str]:
        """The weekend as day names: `["sat", "sun"]`."""
        return [WEEKDAYS[d] for d in sorted(self.weekends)]


def site_calendar(
    calendar: Calendar | None, region: str, country: str, *, every_day: bool = False
) -> WorkingCalendar:
    """The working calendar of a site in `region` and `country`."""
    if calendar is None:
        return WorkingCalendar(every_day=every_day)
    weekends = list(calendar.weekends)
    holidays = set(calendar.holidays)
    for rule in (calendar.regions.get(region), calendar.countries.get(country)):
        if rule is None:
            continue
        if rule.weekends is not None:
            weekends = list(rule.weekends)
        holidays.update(rule.holidays)
    return WorkingCalendar(
        weekends=frozenset(WEEKDAYS.index(d) for d in weekends),
        holidays=frozenset(holidays),
        every_day=every_day,
    )
