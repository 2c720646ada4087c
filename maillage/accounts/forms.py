from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User


class SignupExtraForm(forms.Form):
    """Fields asked at sign-up besides e-mail and password (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=120,
        help_text=_("Le nom que verront les autres membres (votre e-mail reste privé)."),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
