"""Properties that must hold for any input: money, the French stemmer, opening hours."""

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from maillage.lib.forms import EurosField
from maillage.lib.french_stem import stem, stem_text, tokens, unaccent
from maillage.lib.money import format_cents, parse_euros
from maillage.places.opening_hours import InvalidOpeningHours, format_day, parse_day

cents = st.integers(min_value=-(10**12), max_value=10**12)


# --- money ----------------------------------------------------------------------------------


@given(cents)
def test_an_amount_shown_in_french_reads_back_as_the_same_cents(value):
    assert parse_euros(format_cents(value)) == value


@given(cents)
def test_the_ways_people_type_an_amount_all_mean_the_same(value):
    sign = "-" if value < 0 else ""
    euros, rest = divmod(abs(value), 100)
    typed = [
        f"{sign}{euros},{rest:02d}",
        f"{sign}{euros}.{rest:02d}",
        f" {sign}{euros},{rest:02d} € ",
    ]
    if rest == 0:
        typed.append(f"{sign}{euros:,}".replace(",", " "))
    assert {parse_euros(text) for text in typed} == {value}


@given(st.text(max_size=30))
def test_any_text_is_cents_or_a_clean_refusal(text):
    try:
        value = parse_euros(text)
    except ValueError:
        return
    assert isinstance(value, int)


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-inf", "1e999999999", "12,345"])
def test_what_is_not_an_amount_in_cents_is_refused(text):
    with pytest.raises(ValueError):
        parse_euros(text)


@given(cents)
def test_the_euros_field_keeps_the_sign_it_was_given(value):
    field = EurosField(min_cents=-(10**13), required=False)
    assert field.clean(format_cents(value)) == value


# --- the French stemmer ---------------------------------------------------------------------

french_letters = string.ascii_letters + "àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔÙÛÜŒÆ"
words = st.text(alphabet=french_letters, min_size=1, max_size=15)


@given(st.text(max_size=200))
def test_any_text_is_stemmed_without_error_into_plain_tokens(text):
    for token in tokens(text):
        assert token and token.isalnum() and token == token.lower()
        assert token.isascii()


@given(words)
def test_accents_and_case_never_change_the_stem(word):
    assert stem_text(word) == stem_text(word.upper()) == stem_text(unaccent(word))


@given(words)
def test_a_plural_in_s_finds_its_singular(word):
    base = unaccent(word)
    assume(base.isalpha() and len(base) > 4 and not base.endswith(("s", "x")))
    assert stem(base + "s") == stem(base)


@given(st.lists(st.sampled_from(["le", "la", "des", "et", "tiers", "lieux", "café", "à"])))
def test_stop_words_never_reach_the_index(words_):
    assert not set(tokens(" ".join(words_))) & {"le", "la", "des", "et", "a"}


# --- opening hours --------------------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=24 * 60)


@st.composite
def day_ranges(draw):
    bounds = sorted(draw(st.sets(minutes, min_size=0, max_size=6)))
    if len(bounds) % 2:
        bounds = bounds[:-1]
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _hhmm(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


@given(day_ranges(), st.sampled_from([",", ";", ", "]), st.booleans())
def test_hours_written_any_way_read_back_to_the_same_ranges(ranges, separator, french):
    def write(value: int) -> str:
        return f"{value // 60}h{value % 60:02d}" if french else _hhmm(value)

    text = separator.join(f"{write(o)}-{write(c)}" for o, c in reversed(ranges))
    pairs = parse_day(text)
    assert pairs == [(_hhmm(o), _hhmm(c)) for o, c in ranges]
    assert parse_day(format_day(pairs)) == pairs


@given(st.text(max_size=40))
def test_any_text_is_hours_or_a_french_refusal(text):
    try:
        pairs = parse_day(text)
    except InvalidOpeningHours as exc:
        assert str(exc)
        return
    for opens, closes in pairs:
        assert opens < closes
