from django import template
from django.utils.safestring import SafeString

from maillage.lib.markdown import render_markdown
from maillage.lib.money import format_cents

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def euros(cents: int | None) -> str:
    return format_cents(cents)


# Query parameters that are no filter: the page number, the position the "near" filter computes.
NOT_FILTERS = frozenset({"page", "lat", "lon", "sort", "order", "view", "format"})


@register.simple_tag(takes_context=True)
def active_filter_count(context: template.Context, ignore: str = "") -> int:
    """How many filters the request's query string sets (each non-empty value counts once);
    `ignore` names further parameters that are no filter, separated by spaces."""
    request = context.get("request")
    if request is None:
        return 0
    skipped = NOT_FILTERS | set(str(ignore or "").split())
    return sum(
        1
        for key, values in request.GET.lists()
        if key not in skipped
        for value in values
        if value.strip()
    )
