"""Forms of the places app: they validate and shape input; services do the writing."""

import copy
import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.lib.forms import EurosField
from maillage.places.models import WEEKDAYS, Equipment, Place, PlaceType, Space
from maillage.places.opening_hours import InvalidOpeningHours, format_day, parse_day
from maillage.territory.models import Commune
from maillage.territory.selectors import normalize_name


def price_field(**kwargs: Any) -> EurosField:
    """A price in euros; empty means no price."""
    return EurosField(
        required=False,
        empty_cents=None,
        error_messages={
            "invalid": _("Saisissez un montant en euros, par exemple 12,50."),
            "negative": _("Un prix ne peut pas être négatif."),
        },
        help_text="",
        **kwargs,
    )


class CoordinateField(forms.FloatField):
    """A latitude or longitude; accepts a decimal comma and renders with a dot (for the map)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> float | None:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def resolve_commune(text: str) -> Commune:
    """Find the commune meant by "59500", "59178" (INSEE), "Douai", "59500 Douai" or "Douai (59500)".

    Raise ValidationError listing the candidates when several communes match.
    """
    codes = re.findall(r"\b\d[0-9AB]\d{3}\b", text.upper())
    words = normalize_name(re.sub(r"[\d(),]", " ", text))
    candidates: list[Commune] = []
    if codes:
        for code in codes:
            candidates += list(Commune.objects.with_postal_code(code))
            candidates += list(Commune.objects.filter(code_insee=code))
        if words:
            candidates = [c for c in candidates if c.search_name == words] or [
                c for c in candidates if c.search_name.startswith(words)
            ]
    elif words:
        candidates = list(Commune.objects.filter(search_name=words).order_by("-population")[:20])
    unique = list({c.code_insee: c for c in candidates}.values())
    if len(unique) == 1:
        return unique[0]
    if not unique:
        raise forms.ValidationError(
            _(
                "Aucune commune ne correspond à « %(text)s ». Tapez un code postal, un code "
                "INSEE ou le nom exact de la commune."
            ),
            code="unknown_commune",
            params={"text": text},
        )
    listing = ", ".join(
        f"{c.name} ({', '.join(c.postal_code_list) or c.department_code}, INSEE {c.code_insee})"
        for c in unique[:12]
    )
    raise forms.ValidationError(
        _(
            "Plusieurs communes correspondent à « %(text)s » : %(communes)s. Précisez, par "
            "exemple « 59500 Douai » ou le code INSEE."
        ),
        code="ambiguous_commune",
        params={"text": text, "communes": listing},
    )


def commune_label(commune: Commune) -> str:
    return f"{commune.name} ({', '.join(commune.postal_code_list) or commune.department_code})"


HOURS_HELP = _("Par exemple 09:00-12:30,14:00-18:00. Laissez vide si le lieu est fermé.")


class PlaceForm(forms.ModelForm):
    """Every field a manager edits; the commune comes from the autocomplete or is typed."""

    types = forms.MultipleChoiceField(
        label=_("Types de lieu"),
        choices=PlaceType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un type de lieu.")},
    )
    commune_search = forms.CharField(
        label=_("Commune"),
        max_length=150,
        help_text=_(
            "Tapez un code postal ou le début du nom, puis choisissez dans la liste. Sans "
            "JavaScript, tapez le code postal et le nom (« 59500 Douai ») ou le code INSEE."
        ),
        error_messages={"required": _("Indiquez la commune du lieu.")},
    )
    commune = forms.CharField(required=False, widget=forms.HiddenInput)
    latitude = CoordinateField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = CoordinateField(label=_("Longitude"), min_value=-180, max_value=180)

    class Meta:
        model = Place
        fields = [
            "name",
            "types",
            "status",
            "summary",
            "description",
            "address",
            "address_complement",
            "postal_code",
            "latitude",
            "longitude",
            "opening_hours_note",
            "access_step_free",
            "access_toilets",
            "access_parking",
            "access_hearing_loop",
            "access_public_transport",
            "accessibility_note",
            "acceslibre_url",
            "email",
            "phone",
            "website",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "accessibility_note": forms.Textarea(attrs={"rows": 3}),
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5}
            ),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args: Any, instance: Place | None = None, **kwargs: Any) -> None:
        # Work on a copy: an invalid form must not change the place the page shows.
        instance = copy.copy(instance) if instance is not None else None
        initial = kwargs.pop("initial", None) or {}
        if instance is not None:
            for code, _label in WEEKDAYS:
                initial.setdefault(f"hours_{code}", instance.opening_hours.get(code, ""))
            if instance.commune is not None:
                initial.setdefault("commune", instance.commune.code_insee)
                initial.setdefault("commune_search", commune_label(instance.commune))
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        for code, label in WEEKDAYS:
            self.fields[f"hours_{code}"] = forms.CharField(
                label=label, required=False, max_length=100, help_text=HOURS_HELP
            )
        self.fields["address"].required = True
        self.fields["address"].error_messages["required"] = _("Indiquez l'adresse du lieu.")
        self.fields["name"].error_messages["required"] = _("Le nom du lieu est obligatoire.")
        self.fields["commune_search"].widget.attrs.update(
            {
                "data-commune-search": "",
                "data-url": reverse("territory:commune-search"),
                "data-suggestions": "commune-suggestions",
                "data-commune-target": "id_commune",
                "data-postal-target": "id_postal_code",
                "autocomplete": "off",
                "aria-controls": "commune-suggestions",
            }
        )

    @property
    def hours_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{code}"] for code, _label in WEEKDAYS]

    def clean_acceslibre_url(self) -> str:
        url = self.cleaned_data["acceslibre_url"]
        host = urlsplit(url).hostname or ""
        if url and not (host == "acceslibre.beta.gouv.fr" or host.endswith(".acceslibre.fr")):
            raise forms.ValidationError(
                _("Donnez l'adresse de la fiche du lieu sur acceslibre.beta.gouv.fr."),
                code="acceslibre",
            )
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hours = {}
        for code, _label in WEEKDAYS:
            field = f"hours_{code}"
            try:
                pairs = parse_day(data.get(field) or "")
            except InvalidOpeningHours as exc:
                self.add_error(field, str(exc))
                continue
            if pairs:
                hours[code] = format_day(pairs)
        data["opening_hours"] = hours
        code = (data.get("commune") or "").strip()
        commune = Commune.objects.filter(code_insee=code).first() if code else None
        if commune is None and data.get("commune_search"):
            try:
                commune = resolve_commune(data["commune_search"])
            except forms.ValidationError as exc:
                self.add_error("commune_search", exc)
        data["commune"] = commune
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors:
            self.add_error(
                "latitude", _("Indiquez la latitude et la longitude, ou aucune des deux.")
            )
        return data

    def _post_clean(self) -> None:
        # The commune is resolved in clean(), not by the model form: set it before the model's
        # own checks run.
        if isinstance(self.cleaned_data.get("commune"), Commune):
            self.instance.commune = self.cleaned_data["commune"]
        super()._post_clean()


class SpaceForm(forms.ModelForm):
    price_member_cents = price_field(label=_("Prix pour les membres du lieu (€)"))
    price_network_cents = price_field(label=_("Prix pour les membres du réseau (€)"))
    price_public_cents = price_field(label=_("Prix pour les non-membres (€)"))

    class Meta:
        model = Space
        fields = [
            "name",
            "kind",
            "description",
            "surface_m2",
            "capacity",
            "uses",
            "price_unit",
            "price_member_cents",
            "price_network_cents",
            "price_public_cents",
            "is_accessible",
            "accessibility_note",
            "is_bookable",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, instance: Space | None = None, **kwargs: Any) -> None:
        instance = copy.copy(instance) if instance is not None else None
        super().__init__(*args, instance=instance, **kwargs)


class EquipmentForm(forms.ModelForm):
    deposit_cents = price_field(label=_("Caution (€)"))
    price_cents = price_field(label=_("Prix (€)"))

    class Meta:
        model = Equipment
        fields = [
            "name",
            "category",
            "description",
            "quantity",
            "sharing_mode",
            "deposit_cents",
            "price_cents",
            "price_unit",
            "conditions",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, instance: Equipment | None = None, **kwargs: Any) -> None:
        instance = copy.copy(instance) if instance is not None else None
        super().__init__(*args, instance=instance, **kwargs)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG ou WebP. Elle est redimensionnée et ses métadonnées (position GPS, "
            "appareil) sont effacées."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        error_messages={"required": _("Choisissez une photo à envoyer.")},
    )
    alt_text = forms.CharField(
        label=_("Description de la photo"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
        error_messages={"required": _("Décrivez ce que montre la photo.")},
    )


class ManagerForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de la personne"),
        help_text=_("Elle doit déjà avoir un compte sur Maillage."),
    )
