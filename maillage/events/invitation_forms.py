"""Forms of the invitation pages: they validate input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.events.registration_forms import CONSENT_HELP, CONSENT_LABEL


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Adresses e-mail à inviter"),
        help_text=_("Une par ligne, ou séparées par des virgules ou des points-virgules."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
    )


class AcceptForm(forms.Form):
    """Registration through an invitation link: the session, and a name for a guest."""

    occurrence = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Votre nom"), max_length=150, required=False)
    share_contact = forms.BooleanField(label=CONSENT_LABEL, help_text=CONSENT_HELP, required=False)
