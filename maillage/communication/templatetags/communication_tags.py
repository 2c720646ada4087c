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
        # the place page already knows (its can_edit): no second query
        "manages": context["can_edit"]
        if "can_edit" in context
        else user is not None and selectors.manages_place(user=user, place=place),
    }


@register.inclusion_tag("communication/_network_communication.html")
def network_communication(network):
    """Links only (no query: the network page's query budget is counted)."""
    return {"network": network}


@register.inclusion_tag("communication/_share_meta.html", takes_context=True)
def share_meta(context, event, occurrence=None):
    """Open Graph and Twitter card tags of an event page: its server-drawn share card."""
    from django.urls import reverse
    from django.utils.html import strip_tags

    from maillage.communication import syndication
    from maillage.events.selectors import occurrence_key

    request = context["request"]
    query = f"?seance={occurrence_key(occurrence)}" if occurrence else ""
    when = syndication.session_when(occurrence) if occurrence else ""
    summary = " ".join(strip_tags(event.description).split())[:200]
    return {
        "title": occurrence.title_override
        if occurrence and occurrence.title_override
        else event.title,
        "description": " — ".join(part for part in (when, summary) if part)
        or event.get_kind_display(),
        "url": request.build_absolute_uri(request.path),
        "image": request.build_absolute_uri(reverse("communication:card", args=[event.slug, "og"]))
        + query,
        "image_x": request.build_absolute_uri(reverse("communication:card", args=[event.slug, "x"]))
        + query,
    }


@register.inclusion_tag("communication/_circle_communication.html", takes_context=True)
def circle_communication(context, circle):
    """The circle's feeds and its tools, each shown only to the roles allowed."""
    from maillage.communication import circle_tools
    from maillage.communication.models import CircleTool

    user = context.get("user")
    if user is None:
        return {"circle": circle, "tools": []}
    if "can_manage" in context and "my_role" in context:  # the circle's page knows already
        may_manage = bool(context["can_manage"]) or context["my_role"] == "steward"
        is_member = context.get("is_member")
    else:
        may_manage = circle_tools.can_manage_tools(user=user, circle=circle)
        is_member = None
    return {
        "circle": circle,
        "tools": circle_tools.visible_tools(
            user=user, circle=circle, may_manage=may_manage, is_member=is_member
        ),
        "may_manage": may_manage,
        "kinds": CircleTool.Kind.choices,
        "visibilities": CircleTool.Visibility.choices,
    }


@register.inclusion_tag("communication/_tour_logbook.html")
def tour_logbook(event):
    """On a tour's page: the link to its logbook (notes and photos of its stops), with a count."""
    from maillage.communication import logbook

    if event.kind != logbook.TOUR:
        return {"event": None}
    return {"event": event, "count": logbook.entry_count(event)}
