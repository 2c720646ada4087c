"""Money is stored as integer cents and shown in French format: 1 234,50 €."""

from decimal import Decimal, InvalidOperation


def format_cents(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    if rest:
        return f"{sign}{grouped},{rest:02d}\u00a0€"
    return f"{sign}{grouped}\u00a0€"


def parse_euros(text: str) -> int:
    """Parse "12,50", "12.5" or "1 200" into cents; raise ValueError on anything else."""
    cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace("€", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
        # NaN, infinities and absurd exponents are not amounts (quantize refuses them too).
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            raise ValueError(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    return int(value * 100)
