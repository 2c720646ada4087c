"""Rates are read as written in the settings, and a limit counts per key."""

import pytest

from maillage.lib.ratelimit import Rate, Throttled, consume


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("5/10m", Rate(5, 600)),
        ("20/h", Rate(20, 3600)),
        ("100/d", Rate(100, 86400)),
        (" 3 / 30s ", Rate(3, 30)),
    ],
)
def test_a_rate_reads_count_per_period(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "5", "5/x", "five/h", "5/-1h"])
def test_a_misspelt_rate_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="5/10m"):
        Rate.parse(text)


@pytest.mark.django_db
def test_a_limit_counts_each_key_apart_and_ignores_case():
    for _ in range(2):
        consume(scope="t", key="a@example.org", rate="2/h")
    consume(scope="t", key="b@example.org", rate="2/h")

    with pytest.raises(Throttled) as refused:
        consume(scope="t", key="A@example.org ", rate="2/h")
    assert refused.value.status == 429
