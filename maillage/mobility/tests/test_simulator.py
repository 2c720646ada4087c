"""The scheme simulator's arithmetic: the same visits replayed under the three models."""

from maillage.mobility.models import Half, SchemeModel
from maillage.mobility.simulator import Terms, Visit, simulate

# 40 € a month for 4 days, host rates 12 € / 7 €, rétrocession 25 %, preferential discount 30 %.
TERMS = Terms(
    monthly_price_cents=4000,
    quota_days=4,
    day_rate_cents=1200,
    half_day_rate_cents=700,
    share_bp=2500,
    discount_bp=3000,
)
A, B, C = (1, "Atelier"), (2, "Bobine"), (3, "Cabane")


def visit(home, host, half=Half.FULL, *, no_show=False):
    return Visit(home[0], home[1], host[0], host[1], half, no_show)


VISITS = [
    visit(A, B),  # full day
    visit(A, B, Half.AM),  # half day
    visit(C, B, no_show=True),  # a charged no-show
    visit(B, A),
]


def positions(simulation, model):
    return {
        p.name: (p.by_model[model].paid_cents, p.by_model[model].received_cents)
        for p in simulation.places
    }


def test_under_the_pass_the_pool_pays_each_host_its_rate():
    result = simulate(visits=VISITS, terms=TERMS)
    # Bobine hosts 12 + 7 + 12 = 31 €; Atelier hosts 12 €; the pool pays 43 €.
    assert positions(result, SchemeModel.PASS) == {
        "Atelier": (0, 1200),
        "Bobine": (0, 3100),
        "Cabane": (0, 0),
    }
    assert result.pool[SchemeModel.PASS].net_cents == -4300
    assert result.visits == 4


def test_under_retrocession_the_home_place_pays_its_share_of_the_fee_per_day():
    result = simulate(visits=VISITS, terms=TERMS)
    # 40 € / 4 days = 10 € a day; 25 % = 2,50 € a day, 1,25 € a half day.
    # Atelier pays 2,50 + 1,25 = 3,75 € and receives 2,50 €: net -1,25 €.
    # Bobine receives 2,50 + 1,25 + 2,50 = 6,25 € and pays 2,50 €: net +3,75 €.
    # Cabane pays 2,50 €.
    assert positions(result, SchemeModel.RETROCESSION) == {
        "Atelier": (375, 250),
        "Bobine": (250, 625),
        "Cabane": (250, 0),
    }
    nets = {p.name: p.by_model[SchemeModel.RETROCESSION].net_cents for p in result.places}
    assert nets == {"Atelier": -125, "Bobine": 375, "Cabane": -250}
    assert result.pool[SchemeModel.RETROCESSION].net_cents == 0


def test_under_the_preferential_rate_the_members_pay_the_discounted_rate():
    result = simulate(visits=VISITS, terms=TERMS)
    # 12 € less 30 % = 8,40 €; 7 € less 30 % = 4,90 €. Bobine: 8,40 + 4,90 + 8,40 = 21,70 €.
    assert positions(result, SchemeModel.PREFERENTIAL) == {
        "Atelier": (0, 840),
        "Bobine": (0, 2170),
        "Cabane": (0, 0),
    }
    assert result.members[SchemeModel.PREFERENTIAL].paid_cents == 840 + 2170


def test_every_model_balances_places_pool_and_members_to_zero():
    result = simulate(visits=VISITS, terms=TERMS)
    for model in (SchemeModel.PASS, SchemeModel.RETROCESSION, SchemeModel.PREFERENTIAL):
        total = result.total(model).net_cents
        assert total + result.pool[model].net_cents + result.members[model].net_cents == 0


def test_no_shows_are_left_out_when_the_terms_do_not_charge_them():
    terms = Terms(**{**TERMS.__dict__, "count_no_shows": False})
    result = simulate(visits=VISITS, terms=terms)
    # Cabane's no-show is gone: Bobine hosts 12 + 7 = 19 € under the pass.
    assert result.visits == 3
    assert positions(result, SchemeModel.PASS)["Bobine"] == (0, 1900)
    assert "Cabane" not in positions(result, SchemeModel.PASS)


def test_no_visits_give_no_places_and_zero_totals():
    result = simulate(visits=[], terms=TERMS)
    assert result.places == []
    assert [total.net_cents for _m, total, _p, _mem in result.totals()] == [0, 0, 0]
