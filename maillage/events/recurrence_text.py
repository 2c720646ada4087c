"""A recurrence rule told in French ("Toutes les semaines le mardi, jusqu'au 30 juin 2027"):
what the event form previews and the event page shows, never the raw RRULE."""

import datetime

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.events.recurrence import InvalidRecurrence, _rule, local_naive

DAY_NAMES = [
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
]


def _day_name(index: int) -> str:
    return str(DAY_NAMES[index])


def _ordinal(n: int) -> str:
    return {
        1: _("premier"),
        2: _("deuxième"),
        3: _("troisième"),
        4: _("quatrième"),
        5: _("cinquième"),
        -1: _("dernier"),
        -2: _("avant-dernier"),
    }.get(n, "")


def _day_of_month(day: int) -> str:
    """1 → "1er", 15 → "15" (French writes the first of the month as an ordinal)."""
    return _("1er") if day == 1 else str(day)


def long_date(day: datetime.date) -> str:
    """ "1er décembre 2026", "15 mars 2027"."""
    return f"{_day_of_month(day.day)} {date_format(day, 'F Y')}"


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _weekly(rule, interval: int) -> str | None:
    days = sorted(rule._byweekday or ())
    if not days or rule._bynweekday or rule._bymonthday or rule._bymonth:
        return None
    on = _and([_("le %(day)s") % {"day": _day_name(d)} for d in days])
    if interval == 1:
        return _("Toutes les semaines %(on)s") % {"on": on}
    return _("Toutes les %(n)d semaines %(on)s") % {"n": interval, "on": on}


def _monthly(rule, interval: int) -> str | None:
    if rule._bymonth:
        return None
    if rule._bynweekday and not rule._byweekday and not rule._bymonthday:
        days = [
            _("le %(nth)s %(day)s") % {"nth": _ordinal(n), "day": _day_name(d)}
            for d, n in sorted(rule._bynweekday, key=lambda pair: (pair[1] < 0, pair))
        ]
        if any(not _ordinal(n) for _d, n in rule._bynweekday):
            return None
        on = _and(days)
    elif rule._bymonthday and not rule._byweekday and not rule._bynweekday:
        on = _and([_("le %(day)s") % {"day": _day_of_month(d)} for d in sorted(rule._bymonthday)])
    elif rule._bynmonthday == (-1,) and not rule._bymonthday and not rule._byweekday:
        on = _("le dernier jour")
    else:
        return None
    if interval == 1:
        return _("%(on)s de chaque mois") % {"on": on[:1].upper() + on[1:]}
    return _("%(on)s, tous les %(n)d mois") % {"on": on[:1].upper() + on[1:], "n": interval}


def _yearly(rule, interval: int) -> str | None:
    if rule._byweekday or rule._bynweekday or len(rule._bymonth or ()) != 1:
        return None
    if len(rule._bymonthday or ()) != 1:
        return None
    day = datetime.date(2000, rule._bymonth[0], rule._bymonthday[0])  # 2000: 29 Feb exists
    on = f"{_day_of_month(day.day)} {date_format(day, 'F')}"
    if interval == 1:
        return _("Tous les ans le %(day)s") % {"day": on}
    return _("Tous les %(n)d ans le %(day)s") % {"n": interval, "day": on}


def _daily(rule, interval: int) -> str | None:
    if rule._byweekday or rule._bynweekday or rule._bymonthday or rule._bymonth:
        return None
    if interval == 1:
        return _("Tous les jours")
    return _("Tous les %(n)d jours") % {"n": interval}


def describe_rrule(rrule: str, *, starts_at: datetime.datetime) -> str:
    """The rule in one French sentence; an unusual rule is named as personalised."""
    try:
        rule = _rule(rrule, local_naive(starts_at))
    except InvalidRecurrence as refusal:
        return str(refusal)
    if rule._bysetpos or rule._byweekno or rule._byyearday or rule._byeaster:
        return _("Série personnalisée (%(rule)s)") % {"rule": rrule}
    build = {DAILY: _daily, WEEKLY: _weekly, MONTHLY: _monthly, YEARLY: _yearly}[rule._freq]
    sentence = build(rule, rule._interval)
    if sentence is None:
        return _("Série personnalisée (%(rule)s)") % {"rule": rrule}
    if rule._until:
        sentence += ", " + _("jusqu'au %(date)s") % {"date": long_date(rule._until.date())}
    elif rule._count:
        sentence += ", " + ngettext(
            "%(count)d séance en tout", "%(count)d séances en tout", rule._count
        ) % {"count": rule._count}
    return sentence
