"""French helpers and filters: elision, "1er", months after "de", short durations, no doubles."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from maillage.lib import french


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Aurélien", "d'Aurélien"),
        ("Bruno", "de Bruno"),
        ("Élise", "d'Élise"),
        ("Hélène", "d'Hélène"),
        ("Hangar 21", "de Hangar 21"),
        ("Yves", "d'Yves"),
        ("Yann", "de Yann"),
        ("octobre 2026", "d'octobre 2026"),
        ("mars", "de mars"),
        ("Œuvre commune", "d'Œuvre commune"),
        ("2026", "de 2026"),
        ("Le Hangar", "du Hangar"),
        ("Les Ateliers", "des Ateliers"),
        ("La Bobine", "de La Bobine"),
    ],
)
def test_de_elides_before_a_vowel_or_mute_h_and_contracts_le_les(word, expected):
    assert french.de(word) == expected


def test_de_leaves_the_words_alone_in_english():
    with translation.override("en"):
        assert french.de("Aurélien") == "Aurélien"


@pytest.mark.parametrize(
    ("month", "expected"),
    [(3, "de mars"), (4, "d'avril"), (8, "d'août"), (10, "d'octobre"), (12, "de décembre")],
)
def test_de_mois_names_the_month_after_de(month, expected):
    assert french.de_mois(datetime.date(2026, month, 15)) == expected


def test_de_mois_with_the_year():
    assert french.de_mois(datetime.date(2026, 10, 1), "F Y") == "d'octobre 2026"


def test_first_day_of_a_month_is_1er_in_french_only():
    first = datetime.date(2026, 12, 1)
    assert french.date_format(first, "j F Y") == "1er décembre 2026"
    assert french.date_format(first, "l j F") == "mardi 1er décembre"
    assert french.date_format(datetime.date(2026, 12, 2), "j F") == "2 décembre"
    assert french.date_format(first, "d/m/Y") == "01/12/2026"
    assert french.date_format(first) == "1er décembre 2026"
    with translation.override("en"):
        assert "1er" not in french.date_format(first, "j F Y")


def test_depuis_keeps_only_the_largest_unit():
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    then = datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)
    assert french.depuis(then, now) == "1\xa0année"


def test_il_y_a_never_says_zero_minutes():
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    assert french.il_y_a(now - datetime.timedelta(seconds=20), now) == "à l'instant"
    assert french.il_y_a(now - datetime.timedelta(minutes=5), now) == "il y a 5\xa0minutes"
    assert french.il_y_a(now.date(), now) == "aujourd'hui"
    assert french.il_y_a(datetime.date(2026, 5, 29), now) == "il y a 3\xa0jours"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1, "1 seconde"),
        (45, "45 secondes"),
        (59.2, "1 minute"),
        (61, "2 minutes"),
        (60, "1 minute"),
        (3600, "1 heure"),
        (7201, "3 heures"),
    ],
)
def test_duree_attente_rounds_up_in_its_unit(seconds, expected):
    assert french.duree_attente(seconds) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Compagnie", "Pass Compagnie"),
        ("Pass Compagnie", "Pass Compagnie"),
        ("pass compagnie", "pass compagnie"),
        ("Passerelle", "Pass Passerelle"),
    ],
)
def test_prefixed_never_doubles_the_word(name, expected):
    assert french.prefixed("Pass", name) == expected


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


def test_filters_are_available_without_load():
    html = render(
        '{{ a|de }} · {{ b|de }} · {{ d|de_mois:"F Y" }} · {{ s|prefixe:_("Pass") }} · '
        "{{ 90|attente }}",
        a="Aurélien",
        b="Bruno",
        d=datetime.date(2026, 10, 5),
        s="Pass Compagnie",
    )
    assert html == "d&#x27;Aurélien · de Bruno · d&#x27;octobre 2026 · Pass Compagnie · 2 minutes"


def test_date_filter_says_1er_and_still_formats_other_days():
    assert render('{{ d|date:"j F Y" }}', d=datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert render('{{ d|date:"l j F" }}', d=datetime.date(2026, 12, 1)) == "mardi 1er décembre"
    assert render('{{ d|date:"j F Y" }}', d=datetime.date(2026, 12, 8)) == "8 décembre 2026"
    assert render('{{ d|date:"F Y" }}', d=datetime.date(2026, 12, 1)) == "décembre 2026"
    assert render("{{ d|date }}", d=datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert render('{{ d|date:"j F" }}', d=None) == ""
    assert render('{{ d|date:"H:i" }}', d=datetime.time(9, 5)) == "09:05"
