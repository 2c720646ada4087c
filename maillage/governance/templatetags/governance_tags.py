"""What other pages show of governance: a circle's debate spaces on the circle page."""

from django import template

from maillage.governance import selectors

register = template.Library()


@register.inclusion_tag("governance/_circle_debates.html", takes_context=True)
def circle_debates(context, circle):
    """The circle's debate spaces with their open proposals (one query), and the link to open
    one for those who may (coordinators, the circle's soucieux·ses: the page knows them)."""
    spaces = list(selectors.spaces_of_circle_with_counts(circle_id=circle.pk))
    return {
        "circle": circle,
        "spaces": spaces,
        "may_open": bool(context.get("can_manage") or context.get("my_role") == selectors.STEWARD),
    }
