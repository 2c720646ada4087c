"""The freshness score of a place and its staleness: pure rules over a place and its networks.

Both the services (which store the score) and the selectors (which show it) read these; neither
imports the other for them.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from maillage.networks.models import MembershipStatus, Network
from maillage.places.models import Place

DEFAULT_STALE_AFTER_DAYS = 180
MAX_COUNTED_CONFIRMATIONS = 5
AGE_POINTS = 60
COMPLETENESS_POINTS = 30
CONFIRMATION_POINTS = 10


def stale_after_days(place: Place) -> int:
    """The place's threshold: the strictest `stale_after_days` of its networks, else 180."""
    memberships = getattr(place, "accepted_memberships", None)
    if memberships is not None:
        values = [m.network.stale_after_days for m in memberships]
    else:
        values = list(
            Network.objects.filter(
                memberships__place=place, memberships__status=MembershipStatus.ACCEPTED
            ).values_list("stale_after_days", flat=True)
        )
    return min(values, default=DEFAULT_STALE_AFTER_DAYS)


def record_is_stale(last_confirmed_at: datetime | None, *, days: int, now: datetime) -> bool:
    """Whether a record confirmed at that time (or never) is past a threshold of `days`."""
    return last_confirmed_at is None or now - last_confirmed_at > timedelta(days=days)


def is_stale(place: Place, *, now: datetime | None = None) -> bool:
    """Whether the place was never confirmed, or not within its threshold (`stale_after_days`)."""
    return record_is_stale(
        place.last_confirmed_at, days=stale_after_days(place), now=now or timezone.now()
    )


def completeness_checks(place: Place) -> dict[str, bool]:
    """What the record tells, item by item (spaces, equipment and photos may be prefetched)."""
    spaces = list(place.spaces.all())
    equipment = list(place.equipment.all())
    offers = bool(spaces or equipment)
    return {
        "description": bool(place.description.strip() or place.summary.strip()),
        "address": bool(place.address.strip() and place.postal_code),
        "commune": place.commune_id is not None,
        "coordinates": place.has_position,
        "hours": bool(place.opening_hours or place.opening_hours_note.strip()),
        "contact": bool(place.email or place.phone or place.website),
        "accessibility": any(
            [
                place.access_step_free,
                place.access_toilets,
                place.access_parking,
                place.access_hearing_loop,
                place.access_public_transport,
                place.accessibility_note.strip(),
                place.acceslibre_url,
            ]
        ),
        "photo": bool(list(place.photos.all())),
        "offer": offers,
        "prices": offers
        and all(
            s.price_member_cents is not None
            or s.price_network_cents is not None
            or s.price_public_cents is not None
            for s in spaces
        )
        and all(item.price_cents is not None for item in equipment),
    }


def freshness_score(place: Place, *, now: datetime) -> int:
    """Return the place's freshness, 0–100: age (60) + completeness (30) + confirmations (10).

    - **Age**, 60 points, falling linearly to 0 at the place's threshold T (the strictest
      `stale_after_days` of its networks, 180 days without a network):
      `60 × max(0, 1 − age_days / T)`; never confirmed → 0. Confirmed 45 days ago with T = 180:
      60 × (1 − 45/180) = 45.
    - **Completeness**, 30 points, 3 for each of ten things the record tells (see
      `completeness_checks`): description or summary, street address with postal code,
      commune, coordinates, opening hours (or a note about them), a contact (e-mail, phone or
      website), accessibility information, at least one photo, at least one space or piece of
      equipment, and a price for every space and piece of equipment.
    - **Confirmations**, 10 points, 2 per explicit confirmation, counted up to 5.

    A record past its threshold therefore scores at most 40, a fresh complete one up to 100.
    """
    if place.last_confirmed_at is None:
        age_points = 0.0
    else:
        age_days = max((now - place.last_confirmed_at).total_seconds(), 0) / 86400
        age_points = AGE_POINTS * max(0.0, 1 - age_days / stale_after_days(place))
    checks = completeness_checks(place)
    completeness_points = COMPLETENESS_POINTS * sum(checks.values()) / len(checks)
    confirmation_points = (
        CONFIRMATION_POINTS
        * min(place.confirmation_count, MAX_COUNTED_CONFIRMATIONS)
        / MAX_COUNTED_CONFIRMATIONS
    )
    return round(age_points + completeness_points + confirmation_points)
