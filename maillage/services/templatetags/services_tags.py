"""The place page asks this app for what it offers about a place (similar places, peer profile)
through a tag, as it asks networks for the place's memberships: places sits below the features."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("services/place_panel.html", takes_context=True)
def services_panel(context: Any, place: Any) -> dict[str, Any]:
    from maillage.places.selectors import can_edit_place
    from maillage.services.selectors import peer_experiences

    user = context.get("user")
    return {
        "place": place,
        "experiences": peer_experiences(place=place),
        # the place page already knows (its can_edit): no second query
        "may_edit": context["can_edit"]
        if "can_edit" in context
        else user is not None and can_edit_place(user=user, place=place),
    }
