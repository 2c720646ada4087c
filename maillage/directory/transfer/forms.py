from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.directory.transfer.selectors import import_networks
from maillage.places.models import ImportRun


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "CSV (modèle Maillage, séparateur « , » ou « ; », UTF-8 ou Windows-1252), GeoJSON, "
            "export GoGoCarto (JSON) ou lieux de médiation numérique (JSON ou CSV). 50 Mo au plus."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Reconnaître automatiquement")), *ImportRun.Format.choices],
        required=False,
    )
    network = forms.ModelChoiceField(
        label=_("Réseau"),
        queryset=None,
        help_text=_("Les lieux importés deviendront adhérents de ce réseau."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["network"]
        field.queryset = import_networks(user=user)
        if user.is_superuser:
            field.required = False
            field.empty_label = _("Aucun (import par l'administration)")
            field.help_text = _(
                "Facultatif : les lieux importés deviendront adhérents du réseau choisi."
            )
        else:
            field.empty_label = None
