"""What other pages show of animation and communication: the next permanences of a place."""

from django import template

from maillage.communication import selectors

register = template.Library()


@register.inclusion_tag("communication/_next_permanences.html", takes_context=True)
def next_permanences(context, place):
    permanences = selectors.upcoming_for_place(place=place)
    user = context.get("user")
    return {
        "place": place,
        "permanences": permanences,
        "sentences": [selectors.presence_sentence(p) for p in permanences],
        "items": list(
            zip(permanences, [selectors.presence_sentence(p) for p in permanences], strict=True)
        ),
        "manages": user is not None and selectors.manages_place(user=user, place=place),
    }


@register.inclusion_tag("communication/_network_communication.html")
def network_communication(network):
    """Links only (no query: the network page's query budget is counted)."""
    return {"network": network}
