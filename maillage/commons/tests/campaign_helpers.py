"""Helpers of the commons tests: a campaign in network A, a pledge with a fresh key, an API
token's header."""

import datetime
import itertools

from django.utils import timezone

from maillage.accounts.api_tokens import create_api_token
from maillage.commons import campaigns
from maillage.commons.models import Campaign

_keys = itertools.count(1)


def new_campaign(network, by, **overrides):
    values = {
        "title": "Rétribuer les contributeurs de Paheko",
        "pays_for": "La rétribution des contributeurs et deux budgets d'amorçage de 2 000 €.",
        "kind": Campaign.Kind.ALL_OR_NOTHING,
        "min_goal_cents": 300_000,
        "goal_cents": 500_000,
        "max_goal_cents": 800_000,
        "deadline": timezone.now() + datetime.timedelta(days=30),
    }
    values.update(overrides)
    return campaigns.create_campaign(network=network, data=campaigns.CampaignData(**values), by=by)


def give(campaign, by, amount_cents=0, *, hours=0, key=None, **data):
    data.setdefault("by_kind", "person")
    return campaigns.pledge(
        campaign=campaign,
        data=campaigns.PledgeData(amount_cents=amount_cents, hours=hours, **data),
        by=by,
        idempotency_key=key or f"test-{next(_keys)}",
    )


def receive(pledge, by, reference="VIR-1"):
    return campaigns.record_receipt(
        pledge=pledge,
        method="transfer",
        reference=reference,
        received_on=timezone.localdate(),
        by=by,
    )


def bearer(user) -> dict[str, str]:
    """The Authorization header of a fresh API token of `user` (the test client's `headers=`)."""
    _token, key = create_api_token(user=user, name="tests")
    return {"Authorization": f"Bearer {key}"}
