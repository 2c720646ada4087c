from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.networks.models import OpenDataLicence


class LicenceForm(forms.Form):
    licence = forms.ChoiceField(
        label=_("Licence des données du réseau"),
        choices=OpenDataLicence.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "La Licence Ouverte permet toute réutilisation en citant la source ; l'ODbL exige "
            "en plus que les bases qui réutilisent vos données soient partagées sous la même "
            "licence."
        ),
        error_messages={
            "required": _("Choisissez une licence."),
            "invalid_choice": _("Choisissez la Licence Ouverte 2.0 ou l'ODbL."),
        },
    )
