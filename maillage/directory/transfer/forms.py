from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import User
from maillage.directory.transfer.mapping import FIELD_LABELS
from maillage.directory.transfer.rows import types_from_text
from maillage.directory.transfer.selectors import import_networks, import_profiles
from maillage.places.models import ImportRun, PlaceType


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy(
            "CSV (modèle Maillage, séparateur « , » ou « ; », UTF-8 ou Windows-1252), GeoJSON, "
            "export GoGoCarto (JSON) ou lieux de médiation numérique (JSON ou CSV). 50 Mo au plus."
        ),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("", gettext_lazy("Reconnaître automatiquement")), *ImportRun.Format.choices],
        required=False,
    )
    network = forms.ModelChoiceField(
        label=gettext_lazy("Réseau"),
        queryset=None,
        empty_label=gettext_lazy("— choisir un réseau —"),
        help_text=gettext_lazy("Les lieux importés deviendront adhérents de ce réseau."),
        error_messages={"required": gettext_lazy("Choisissez le réseau des lieux importés.")},
    )
    profile = forms.ModelChoiceField(
        label=gettext_lazy("Profil de colonnes"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— aucun : reconnaître les noms usuels —"),
        help_text=gettext_lazy(
            "Une association de colonnes enregistrée par votre réseau lors d'un import précédent."
        ),
    )
    producer = forms.CharField(
        label=gettext_lazy("Producteur des données"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Qui a constitué ce fichier (ex. « Région Bretagne »). Laissé vide : repris du "
            "fichier quand il le dit."
        ),
    )
    licence = forms.CharField(
        label=gettext_lazy("Licence"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "La licence du fichier (ex. « CC BY 4.0 », « Licence Ouverte 2.0 », « ODbL »), "
            "affichée sur les lieux importés. Laissée vide : reprise du fichier quand il la dit."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["network"]
        field.queryset = import_networks(user=user)  # type: ignore[attr-defined]
        self.fields["profile"].queryset = import_profiles(user=user)  # type: ignore[attr-defined]
        if user.is_superuser:
            field.required = False
            field.empty_label = _("Aucun (import par l'administration)")  # type: ignore[attr-defined]
            field.help_text = _(
                "Facultatif : les lieux importés deviendront adhérents du réseau choisi."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        profile, network = data.get("profile"), data.get("network")
        if profile is not None and network is not None and profile.network_id != network.pk:
            self.add_error(
                "profile",
                _("Ce profil appartient au réseau « %(name)s » : choisissez un profil du réseau.")
                % {"name": profile.network.name},
            )
        return data


IGNORE = ""


class MappingForm(forms.Form):
    """Each column → a Maillage field; each value of the type column → a place type."""

    profile_name = forms.CharField(
        label=gettext_lazy("Enregistrer ces choix comme profil du réseau (nom)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Facultatif, ex. « Carte des fablabs ». Le profil pourra être choisi aux prochains "
            "imports du réseau, ici ou avec la commande import_places --profile."
        ),
    )

    def __init__(self, *args: Any, run: ImportRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inspection = (run.summary or {}).get("inspection") or {}
        self.columns: list[dict[str, Any]] = inspection.get("columns", [])
        mapping = run.mapping or {}
        by_column = {column: name for name, column in (mapping.get("fields") or {}).items()}
        choices = [(IGNORE, _("— garder en attribut —"))] + [
            (name, str(label)) for name, label in FIELD_LABELS.items()
        ]
        used = set(by_column.values())
        for index, column in enumerate(self.columns):
            initial = by_column.get(column["name"])
            if initial is None and column.get("usual") not in used:
                initial = column.get("usual", "")
                used.add(initial)
            self.fields[f"col-{index}"] = forms.ChoiceField(
                label=column["name"],
                choices=choices,
                required=False,
                initial=initial or IGNORE,
            )
            self.fields[f"col-{index}"].widget.attrs["aria-describedby"] = f"samples-{index}"
        # The values of the type column, as chosen now (or as the file's usual names say).
        types_column = (self.data.get("types_column") if self.is_bound else None) or next(
            (
                self.columns[i]["name"]
                for i in range(len(self.columns))
                if self[f"col-{i}"].value() == "types"
            ),
            "",
        )
        self.types_column = types_column
        self.type_values: list[str] = (inspection.get("values") or {}).get(types_column, [])
        known = mapping.get("types") or {}
        type_choices = [(IGNORE, _("— reconnaître automatiquement —")), *PlaceType.choices]
        for index, value in enumerate(self.type_values):
            guessed = types_from_text(value)
            self.fields[f"type-{index}"] = forms.ChoiceField(
                label=value,
                choices=type_choices,
                required=False,
                initial=known.get(value) or (guessed[0] if len(guessed) == 1 else IGNORE),
            )

    def column_fields(self) -> list[tuple[forms.BoundField, list[str]]]:
        return [
            (self[f"col-{index}"], column.get("samples", []))
            for index, column in enumerate(self.columns)
        ]

    def type_fields(self) -> list[forms.BoundField]:
        return [self[f"type-{index}"] for index in range(len(self.type_values))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields: dict[str, str] = {}
        for index, column in enumerate(self.columns):
            name = data.get(f"col-{index}") or ""
            if not name:
                continue
            if name in fields:
                self.add_error(
                    f"col-{index}",
                    _("« %(field)s » est déjà donné à la colonne « %(col)s ».")
                    % {"field": FIELD_LABELS[name], "col": fields[name]},
                )
                continue
            fields[name] = column["name"]
        self.mapping_fields = fields
        self.mapping_types = {
            value: data.get(f"type-{index}") or ""
            for index, value in enumerate(self.type_values)
            if data.get(f"type-{index}")
        }
        return data
