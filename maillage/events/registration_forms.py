"""Forms of the registration pages: they validate input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.events.models import Registration
from maillage.networks.models import Network

CONSENT_LABEL = _("J'accepte que l'organisation reçoive mon adresse e-mail")
CONSENT_HELP = _("Sans votre accord, seul votre nom figure dans la liste des inscrit·es.")


class RegisterForm(forms.Form):
    share_contact = forms.BooleanField(label=CONSENT_LABEL, help_text=CONSENT_HELP, required=False)


class GuestForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=150)
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Nous vous envoyons un lien pour confirmer l'inscription."),
    )
    share_contact = forms.BooleanField(label=CONSENT_LABEL, help_text=CONSENT_HELP, required=False)

    def __init__(self, *args: object, prefix: str = "guest", **kwargs: object) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)  # type: ignore[arg-type]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"), choices=[("approve", _("Valider")), ("refuse", _("Refuser"))]
    )


class AttendanceForm(forms.Form):
    """One checkbox per confirmed registrant: ticked present, unticked absent."""

    present = forms.MultipleChoiceField(
        label=_("Présent·es"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: object,
        registrations: list[Registration],
        labels: dict[int, str],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["present"]
        field.choices = [(str(r.pk), labels[r.pk]) for r in registrations]  # type: ignore[attr-defined]
        if not self.is_bound:
            field.initial = [str(r.pk) for r in registrations if r.attended]

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}


class DigestForm(forms.Form):
    networks = forms.ModelMultipleChoiceField(
        label=_("Réseaux dont je reçois le récapitulatif"),
        help_text=_(
            "Chaque semaine, un e-mail avec les animations des 14 jours à venir que vous pouvez "
            "voir. Décochez tout pour ne plus rien recevoir."
        ),
        queryset=Network.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, networks: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["networks"].queryset = networks  # type: ignore[attr-defined]
