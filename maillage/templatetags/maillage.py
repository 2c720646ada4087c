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
