"""Forms of the calendar feeds area."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FeedSourceForm(forms.Form):
    url = forms.URLField(
        label=_("Adresse du calendrier iCal"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "L'adresse publique de votre agenda au format iCal (.ics) : Google Agenda, "
            "Nextcloud, Framagenda, Outlook… la proposent sous « Adresse publique au format iCal »."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://…/agenda.ics"}),
    )
