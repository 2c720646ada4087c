"""JSON for a <script type="application/ld+json"> element (schema.org descriptions of pages)."""

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# JSON inside <script> must not be able to close the element: escape <, > and &.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 (JSON with <, > and & escaped just above)
