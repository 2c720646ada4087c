"""`{% my_space %}`: the hub of Mon espace (tasks, bookings, registrations, places, networks,
circles), for the profile page, which sits below the features and cannot read them itself."""

from django import template

from maillage import my_space as hub

register = template.Library()


@register.inclusion_tag("my_space.html", takes_context=True)
def my_space(context: template.Context) -> dict[str, object]:
    user = context["request"].user
    return {"space": hub.my_space(user=user), "request": context["request"]}
