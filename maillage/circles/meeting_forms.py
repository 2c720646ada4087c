"""Forms of regulation meetings: they shape input, `meeting_services` decides."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles import budget
from maillage.circles.meeting_services import ObjectionInput
from maillage.circles.models import Decision, Envelope, Vote
from maillage.lib.forms import EurosField
from maillage.lib.french import de
from maillage.lib.money import format_cents


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        help_text=_("Heure de Paris."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(
        label=_("Lieu ou lien de visioconférence"), max_length=300, required=False
    )


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Présent·es"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, members: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Every user is accepted here, so the service (not the form) names who is not a member.
        self.fields["present"].queryset = User.objects.all()
        self.fields["present"].widget.choices = [(u.pk, str(u)) for u in members]


class EnvelopeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Envelope) -> str:
        return _("%(funder)s %(year)s — reste %(remaining)s") % {
            "funder": obj.funder,
            "year": obj.year,
            "remaining": format_cents(budget.envelope_remaining(envelope=obj)),
        }


OBJECTION_CHOICES = [
    ("", _("Pas d'objection")),
    ("simple", _("Objection non bloquante")),
    ("blocking", _("Objection bloquante")),
]


class DecisionForm(forms.Form):
    """One decision: the method, each present member's vote or objection, the grant."""

    method = forms.ChoiceField(
        label=_("Mode de décision"),
        choices=Decision.Method.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Consentement : adoptée sauf objection bloquante. Vote : adoptée si les voix pour "
            "sont plus nombreuses que les voix contre (les abstentions ne comptent pas)."
        ),
    )

    def __init__(
        self,
        *args: object,
        present: list[User],
        envelopes: QuerySet[Envelope] | None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.present = present
        self.member_rows = []
        vote_choices = [("", _("Ne vote pas")), *Vote.Choice.choices]
        for user in present:
            self.fields[f"vote_{user.pk}"] = forms.ChoiceField(
                label=_("Vote %(de_name)s") % {"de_name": de(str(user))},
                choices=vote_choices,
                required=False,
            )
            self.fields[f"objection_{user.pk}"] = forms.ChoiceField(
                label=_("Objection %(de_name)s") % {"de_name": de(str(user))},
                choices=OBJECTION_CHOICES,
                required=False,
            )
            self.fields[f"objection_text_{user.pk}"] = forms.CharField(
                label=_("Motif de l'objection %(de_name)s") % {"de_name": de(str(user))},
                max_length=2000,
                required=False,
            )
        if envelopes is not None:
            self.fields["amount_granted_cents"] = EurosField(
                label=_("Montant accordé"),
                required=False,
                help_text=_("Au plus le montant demandé ; peut être inférieur. En euros."),
            )
            self.fields["envelope"] = EnvelopeChoiceField(
                label=_("Enveloppe"),
                queryset=envelopes,
                required=False,
                empty_label=_("— choisir —"),
                help_text=_("Seules les enveloppes que les fléchages permettent sont proposées."),
            )
        self.fields["rationale"] = forms.CharField(
            label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 3}), required=False
        )
        for user in present:
            self.member_rows.append(
                (
                    user,
                    self[f"vote_{user.pk}"],
                    self[f"objection_{user.pk}"],
                    self[f"objection_text_{user.pk}"],
                )
            )

    def main_fields(self) -> list[forms.BoundField]:
        names = ["amount_granted_cents", "envelope", "rationale"]
        return [self[name] for name in names if name in self.fields]

    def votes(self) -> dict[User, str]:
        if self.cleaned_data["method"] != Decision.Method.VOTE:
            return {}
        return {
            user: self.cleaned_data[f"vote_{user.pk}"]
            for user in self.present
            if self.cleaned_data.get(f"vote_{user.pk}")
        }

    def objections(self) -> list[ObjectionInput]:
        if self.cleaned_data["method"] != Decision.Method.CONSENT:
            return []
        return [
            ObjectionInput(
                user=user,
                text=self.cleaned_data[f"objection_text_{user.pk}"],
                blocking=self.cleaned_data[f"objection_{user.pk}"] == "blocking",
            )
            for user in self.present
            if self.cleaned_data.get(f"objection_{user.pk}")
        ]
