"""French public holidays (jours fériés légaux, metropolitan France), computed — no table to
keep up to date. Alsace-Moselle's two extra days are left to closures."""

import datetime
import functools


def easter_sunday(year: int) -> datetime.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@functools.cache
def french_holidays(year: int) -> dict[datetime.date, str]:
    """The eleven public holidays of a year, date → French name."""
    easter = easter_sunday(year)
    days = {
        datetime.date(year, 1, 1): "Jour de l'an",
        easter + datetime.timedelta(days=1): "Lundi de Pâques",
        datetime.date(year, 5, 1): "Fête du Travail",
        datetime.date(year, 5, 8): "Victoire 1945",
        easter + datetime.timedelta(days=39): "Ascension",
        easter + datetime.timedelta(days=50): "Lundi de Pentecôte",
        datetime.date(year, 7, 14): "Fête nationale",
        datetime.date(year, 8, 15): "Assomption",
        datetime.date(year, 11, 1): "Toussaint",
        datetime.date(year, 11, 11): "Armistice 1918",
        datetime.date(year, 12, 25): "Noël",
    }
    return dict(sorted(days.items()))


def holiday_name(day: datetime.date) -> str | None:
    return french_holidays(day.year).get(day)
