"""Alerts on calls: saved searches announced in-app and in daily or weekly digests, deadline
reminders (14 and 3 days before) to who follows a call, and the iCalendar feed of the deadlines
one follows. `run_alerts` is what the periodic command runs; every step takes `now` so tests
travel in time.

Matching many calls against many searches is done with numpy masks: one boolean array over the
calls per kind, theme, department and region; a search is a few ORs and ANDs of them.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import icalendar
import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.lib.urls import absolute_url
from maillage.notifications.mail import Mail, send_emails
from maillage.notifications.services import notify
from maillage.opportunities.models import Call, Follow, SavedSearch, Scope

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
REMINDER_DAYS = (14, 3)
DIGEST_PERIOD: dict[str, datetime.timedelta] = {
    SavedSearch.Frequency.DAILY: datetime.timedelta(hours=23),
    SavedSearch.Frequency.WEEKLY: datetime.timedelta(days=6, hours=23),
}
PRODID = "-//Maillage//Appels suivis//FR"
DIGEST_LINES = 30  # calls listed per alert in a digest; the others are counted


# --- Matching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRow:
    pk: int
    kind: str
    themes: list[str]
    scope: str
    department_codes: list[str]
    region_codes: list[str]
    ceiling: int | None
    published_at: datetime.datetime | None


@dataclass(frozen=True)
class SearchRow:
    pk: int
    kinds: list[str]
    themes: list[str]
    department_codes: list[str]
    region_codes: list[str]
    amount_min_cents: int | None
    since: datetime.datetime | None


class CallIndex:
    """Boolean masks over a list of calls, for matching many searches quickly."""

    def __init__(self, calls: list[CallRow]) -> None:
        self.calls = calls
        n = len(calls)
        self.n = n
        self._by: dict[str, dict[str, Any]] = {"kind": {}, "theme": {}, "dep": {}, "reg": {}}
        lists: dict[str, dict[str, list[int]]] = {k: defaultdict(list) for k in self._by}
        for i, call in enumerate(calls):
            lists["kind"][call.kind].append(i)
            for t in call.themes:
                lists["theme"][t].append(i)
            for d in call.department_codes:
                lists["dep"][d].append(i)
            for r in call.region_codes:
                lists["reg"][r].append(i)
        for key, groups in lists.items():
            for value, indexes in groups.items():
                mask = np.zeros(n, dtype=bool)
                mask[indexes] = True
                self._by[key][value] = mask
        self.national = np.array([c.scope == Scope.NATIONAL for c in calls], dtype=bool)
        # A call without amounts passes any amount filter: it may fit.
        self.ceiling = np.array(
            [c.ceiling if c.ceiling is not None else np.iinfo(np.int64).max for c in calls],
            dtype=np.int64,
        )
        self.published = np.array(
            [c.published_at.timestamp() if c.published_at else 0.0 for c in calls], dtype=float
        )
        self.pks = np.array([c.pk for c in calls], dtype=np.int64)
        self._none = np.zeros(n, dtype=bool)

    def _any(self, key: str, values: Iterable[str]) -> Any:
        mask = self._none.copy()
        for value in values:
            found = self._by[key].get(value)
            if found is not None:
                mask |= found
        return mask

    def match(self, search: SearchRow) -> list[int]:
        return self.match_array(search).tolist()

    def match_array(self, search: SearchRow) -> Any:
        """The pks of the matching calls, as a numpy array (no Python list of 10,000 ints)."""
        mask = np.ones(self.n, dtype=bool)
        if search.since is not None:
            mask &= self.published > search.since.timestamp()
        if search.kinds:
            mask &= self._any("kind", search.kinds)
        if search.themes:
            mask &= self._any("theme", search.themes)
        if search.department_codes or search.region_codes:
            mask &= (
                self.national
                | self._any("dep", search.department_codes)
                | self._any("reg", search.region_codes)
            )
        if search.amount_min_cents:
            mask &= self.ceiling >= search.amount_min_cents
        return self.pks[mask]


def call_rows(calls: Iterable[Any]) -> list[CallRow]:
    return [
        CallRow(
            pk=c.pk,
            kind=c.kind,
            themes=list(c.themes),
            scope=c.scope,
            department_codes=list(c.department_codes),
            region_codes=list(c.region_codes),
            ceiling=c.amount_max_cents or c.amount_min_cents,
            published_at=c.published_at,
        )
        for c in calls
    ]


def search_row(search: SavedSearch, *, since: datetime.datetime | None) -> SearchRow:
    return SearchRow(
        pk=search.pk,
        kinds=list(search.kinds),
        themes=list(search.themes),
        department_codes=list(search.department_codes),
        region_codes=list(search.region_codes),
        amount_min_cents=search.amount_min_cents,
        since=since,
    )


def _open_calls(now: datetime.datetime, since: datetime.datetime) -> list[Call]:
    return list(
        Call.objects.filter(status=Call.Status.PUBLISHED, published_at__gt=since)
        .filter(Q(rolling=True) | Q(deadline__isnull=True) | Q(deadline__gt=now))
        .only(
            "pk",
            "title",
            "slug",
            "kind",
            "themes",
            "scope",
            "department_codes",
            "region_codes",
            "amount_min_cents",
            "amount_max_cents",
            "published_at",
            "deadline",
            "rolling",
            "funder",
        )
    )


def matches_for(call: Call, search: SavedSearch) -> bool:
    index = CallIndex(call_rows([call]))
    return bool(index.match(search_row(search, since=None)))


# --- In-app alerts and digests ----------------------------------------------------------------


def _line(call: Call) -> str:
    if call.rolling or call.deadline is None:
        when = _("au fil de l'eau")
    else:
        when = _("jusqu'au %(d)s") % {"d": date_format(call.deadline.astimezone(PARIS), "j F Y")}
    return f"- {call.title} ({call.funder}, {when})\n  {absolute_url(call.get_absolute_url())}"


def notify_new_matches(*, now: datetime.datetime | None = None) -> int:
    """One in-app notification per saved search that has new matching calls."""
    now = now or timezone.now()
    searches = list(SavedSearch.objects.select_related("user"))
    if not searches:
        return 0
    oldest = min(s.last_notified_at for s in searches)
    calls = _open_calls(now, oldest)
    index = CallIndex(call_rows(calls))
    by_pk = {c.pk: c for c in calls}
    sent = 0
    for search in searches:
        found = index.match(search_row(search, since=search.last_notified_at))
        if found:
            first = by_pk[found[0]]
            notify(
                users=[search.user],
                topic="opportunities.alert",
                title=ngettext(
                    "Alerte « %(name)s » : un nouvel appel",
                    "Alerte « %(name)s » : %(n)s nouveaux appels",
                    len(found),
                )
                % {"name": search.name, "n": len(found)},
                body="\n".join(_line(by_pk[pk]) for pk in found[:10]),
                url=first.get_absolute_url() if len(found) == 1 else "/opportunites/alertes/",
                email=False,
            )
            sent += 1
        search.last_notified_at = now
    SavedSearch.objects.filter(pk__in=[s.pk for s in searches]).update(last_notified_at=now)
    return sent


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """The e-mail digests due (daily: a day after the last, weekly: a week), one per person."""
    now = now or timezone.now()
    due = [
        s
        for s in SavedSearch.objects.exclude(frequency=SavedSearch.Frequency.NEVER).select_related(
            "user"
        )
        if s.last_digest_at <= now - DIGEST_PERIOD[s.frequency]
    ]
    if not due:
        return 0
    oldest = min(s.last_digest_at for s in due)
    calls = _open_calls(now, oldest)
    index = CallIndex(call_rows(calls))
    by_pk = {c.pk: c for c in calls}
    per_user: dict[int, tuple[User, list[tuple[SavedSearch, Any]]]] = {}
    for search in due:
        found = index.match_array(search_row(search, since=search.last_digest_at))
        if found.size:
            per_user.setdefault(search.user_id, (search.user, []))[1].append((search, found))
        search.last_digest_at = now
    lines: dict[int, str] = {}  # each call's line is written once, whoever gets it

    def line(pk: int) -> str:
        if pk not in lines:
            lines[pk] = _line(by_pk[pk])
        return lines[pk]

    mails = []
    for user, parts in per_user.values():
        if not user.is_active or not user.email:
            continue
        total = int(np.unique(np.concatenate([found for _s, found in parts])).size)
        sections = []
        for search, found in parts:
            shown = found[:DIGEST_LINES].tolist()
            more = int(found.size) - len(shown)
            text = f"{search.name}\n" + "\n".join(line(pk) for pk in shown)
            if more:
                text += "\n" + ngettext(
                    "… et un autre appel sur le tableau.",
                    "… et %(n)s autres appels sur le tableau.",
                    more,
                ) % {"n": more}
            sections.append(text)
        body = (
            _("Bonjour,\n\nDe nouveaux appels correspondent à vos alertes :\n\n")
            + "\n\n".join(sections)
            + "\n\n"
            + _("Gérer vos alertes : %(url)s") % {"url": absolute_url("/opportunites/alertes/")}
        )
        subject = ngettext(
            "Un nouvel appel pour vos alertes", "%(n)s nouveaux appels pour vos alertes", total
        ) % {"n": total}
        mails.append(Mail(subject=subject, body=body, to=(user.email,)))
    # Every due search was read up to `now`: one UPDATE, not one CASE per row.
    SavedSearch.objects.filter(pk__in=[s.pk for s in due]).update(last_digest_at=now)
    send_emails(mails)
    return len(mails)


# --- Deadline reminders -----------------------------------------------------------------------


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """14 and 3 days before a followed call's deadline (Paris days), once each."""
    now = now or timezone.now()
    today = now.astimezone(PARIS).date()
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS) + 1)
    sent = 0
    follows = Follow.objects.filter(
        call__deadline__gt=now, call__deadline__lte=horizon, call__rolling=False
    ).select_related("call", "user")
    for follow in follows:
        call = follow.call
        assert call.deadline is not None
        days_left = (call.deadline.astimezone(PARIS).date() - today).days
        due = [d for d in REMINDER_DAYS if days_left <= d and d not in follow.reminded_days]
        if not due:
            continue
        notify(
            users=[follow.user],
            topic="opportunities.reminder",
            title=ngettext(
                "J-%(n)s : %(t)s se clôt demain",
                "J-%(n)s : %(t)s se clôt dans %(n)s jours",
                days_left,
            )
            % {"n": days_left, "t": call.title},
            body=_line(call),
            url=call.get_absolute_url(),
        )
        follow.reminded_days = sorted({*follow.reminded_days, *due})
        follow.save(update_fields=["reminded_days"])
        sent += 1
    return sent


def run_alerts(*, now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "alerts": notify_new_matches(now=now),
        "digests": send_digests(now=now),
        "reminders": send_reminders(now=now),
    }


# --- iCalendar of followed deadlines ----------------------------------------------------------


def deadlines_calendar(*, user: User) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Appels suivis — dates limites"))
    for call in Call.objects.filter(follows__user=user, deadline__isnull=False, rolling=False):
        assert call.deadline is not None
        event = icalendar.Event()
        event.add("uid", f"call-{call.pk}@maillage")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", call.deadline.astimezone(PARIS))
        event.add("dtend", call.deadline.astimezone(PARIS) + datetime.timedelta(minutes=30))
        event.add("summary", _("Date limite : %(t)s") % {"t": call.title})
        event.add("description", f"{call.funder}\n{absolute_url(call.get_absolute_url())}")
        event.add("url", absolute_url(call.get_absolute_url()))
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", call.title)
        alarm.add("trigger", datetime.timedelta(days=-3))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
