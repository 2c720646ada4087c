from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Skill, User, Visibility
from maillage.territory.models import Commune
from maillage.territory.selectors import normalize_name, search_communes


class SignupExtraForm(forms.Form):
    """Fields asked at sign-up besides e-mail and password (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=120,
        help_text=_("Le nom que verront les autres membres (votre e-mail reste privé)."),
        error_messages={"required": _("Indiquez le nom que verront les autres membres.")},
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


def commune_label(commune: Commune) -> str:
    """The label the commune autocomplete shows: "Douai (59500)"."""
    return f"{commune.name} ({', '.join(commune.postal_code_list) or commune.department_code})"


def find_commune(text: str) -> Commune:
    """The one commune meant by a postal code, an INSEE code, a name or an autocomplete label.

    Raise ValidationError (in French) when none or several communes match.
    """
    text = " ".join(text.split())
    if text.isdigit() and len(text) == 5:
        by_code = Commune.objects.filter(code_insee=text).first()
        if by_code is not None:
            return by_code
    name = text.split("(")[0].strip() if "(" in text else text
    candidates = search_communes(query=name, limit=20)
    if not text.isdigit():
        exact = [c for c in candidates if normalize_name(c.name) == normalize_name(name)]
        candidates = exact or candidates
        if "(" in text:
            labelled = [c for c in candidates if commune_label(c) == text]
            candidates = labelled or candidates
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise forms.ValidationError(
            _("Aucune commune ne correspond à « %(text)s »."),
            code="unknown_commune",
            params={"text": text},
        )
    raise forms.ValidationError(
        _(
            "Plusieurs communes correspondent à « %(text)s » : %(communes)s. Précisez le code postal."
        ),
        code="ambiguous_commune",
        params={"text": text, "communes": ", ".join(commune_label(c) for c in candidates[:5])},
    )


class ProfileForm(forms.Form):
    """What a person says about themself; the commune comes from the autocomplete or is typed."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=120,
        help_text=_("Le nom que verront les autres membres."),
        error_messages={"required": _("Indiquez le nom que verront les autres membres.")},
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    bio = forms.CharField(
        label=_("Présentation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté. Visible par tout le monde."),
    )
    phone = forms.CharField(
        label=_("Téléphone"),
        max_length=30,
        required=False,
        help_text=_("Visible par vous seul·e."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    commune_search = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=200,
        help_text=_("Tapez un code postal ou le début du nom, puis choisissez dans la liste."),
    )
    commune = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, commune_search_url: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["commune_search"].widget.attrs.update(
            {
                "data-commune-search": "",
                "data-url": commune_search_url,
                "data-suggestions": "commune-suggestions",
                "data-commune-target": "id_commune",
                "autocomplete": "off",
            }
        )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, str]:
        return {
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "bio": user.bio,
            "phone": user.phone,
            "commune": user.commune.code_insee if user.commune else "",
            "commune_search": commune_label(user.commune) if user.commune else "",
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        text = (data.get("commune_search") or "").strip()
        code = (data.get("commune") or "").strip()
        commune = None
        if text:
            # The hidden code holds the autocomplete's choice, unless the text was retyped since.
            chosen = Commune.objects.filter(code_insee=code).first() if code else None
            if chosen is not None and commune_label(chosen) == text:
                commune = chosen
            else:
                try:
                    commune = find_commune(text)
                except forms.ValidationError as exc:
                    self.add_error("commune_search", exc)
        data["commune"] = commune
        return data


class SkillForm(forms.Form):
    name = forms.CharField(
        label=_("Compétence"),
        max_length=Skill._meta.get_field("name").max_length,
        error_messages={"required": _("Donnez un nom à cette compétence.")},
        help_text=_("Par exemple : comptabilité associative, soudure, animation de réunions."),
    )
    description = forms.CharField(
        label=_("Précision"),
        max_length=Skill._meta.get_field("description").max_length,
        required=False,
        help_text=_("Ce que vous pouvez partager, à quelles conditions."),
    )
    visibility = forms.ChoiceField(
        label=_("Qui peut la voir ?"),
        choices=Visibility.choices,
        initial=Visibility.NETWORK,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez qui peut voir cette compétence."),
            "invalid_choice": _("Choisissez qui peut voir cette compétence."),
        },
    )

    @classmethod
    def initial_for(cls, skill: Skill) -> dict[str, str]:
        return {
            "name": skill.name,
            "description": skill.description,
            "visibility": skill.visibility,
        }


class AccountDeletionForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Recopiez votre adresse e-mail pour confirmer"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    understood = forms.BooleanField(
        label=_("Je comprends que la suppression est définitive et ne peut pas être annulée."),
        required=True,
    )
