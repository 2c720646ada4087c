"""What the demo holds: its objects are recognised by their slugs, source and e-mail domain."""

from maillage.accounts.models import Skill, User
from maillage.mobility.models import Booking, Pass, Scheme
from maillage.networks.models import Membership, MembershipEvent, Network
from maillage.places.models import Equipment, Place, PlacePhoto, Space

DEMO_DOMAIN = "demo.maillage.fr"
SOURCE = "CGET 2019"
EXTERNAL_PREFIX = "cget2019:"
NATIONAL_SLUG = "france-tiers-lieux-demo"
REGIONAL_SLUG = "compagnie-des-tiers-lieux-demo"
LOCAL_SLUG_PREFIX = "cercle-"
LOCAL_SLUG_SUFFIX = "-demo"


def demo_networks():
    return Network.objects.filter(slug__in=[NATIONAL_SLUG, REGIONAL_SLUG]) | Network.objects.filter(
        slug__startswith=LOCAL_SLUG_PREFIX, slug__endswith=LOCAL_SLUG_SUFFIX
    )


def demo_places():
    return Place.objects.filter(source=SOURCE, external_id__startswith=EXTERNAL_PREFIX)


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def demo_counts() -> dict[str, int]:
    """How many objects of each kind the demo holds now."""
    places = demo_places()
    networks = demo_networks()
    return {
        "networks": networks.count(),
        "places": places.count(),
        "spaces": Space.objects.filter(place__in=places).count(),
        "equipment": Equipment.objects.filter(place__in=places).count(),
        "people": demo_users().count(),
        "memberships": Membership.objects.filter(network__in=networks).count(),
        "membership_events": MembershipEvent.objects.filter(
            membership__network__in=networks
        ).count(),
        "skills": Skill.objects.filter(user__in=demo_users()).count(),
        "photos": PlacePhoto.objects.filter(place__in=places).count(),
        "schemes": Scheme.objects.filter(network__in=networks).count(),
        "passes": Pass.objects.filter(scheme__network__in=networks).count(),
        "bookings": Booking.objects.filter(member_pass__scheme__network__in=networks).count(),
    }
