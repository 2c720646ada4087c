"""`{% registration_state occurrence as state %}`: what the registration box shows the viewer."""

from django import template

from maillage.events import registration as services
from maillage.events.models import Occurrence

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_state(context: template.Context, occurrence: Occurrence) -> services.BoxState:
    return services.box_state(user=context["request"].user, occurrence=occurrence)
