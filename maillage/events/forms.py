"""Forms of the events area (events, sessions, tour stops): they shape input, services decide.

Times are typed in Europe/Paris local time (the current time zone) and come out aware.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.circles.selectors import circles_run_by, get_circle_by_pk
from maillage.events.models import PEER_AUDIENCES, Audience, Event, EventKind
from maillage.events.recurrence import local_naive
from maillage.events.services import EventData, Owner
from maillage.lib.money import format_cents, parse_euros
from maillage.networks.models import Network
from maillage.networks.selectors import networks_coordinated_by
from maillage.places.models import Place
from maillage.places.selectors import places_managed_by

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


WEEKDAYS = [
    ("MO", _("lundi")),
    ("TU", _("mardi")),
    ("WE", _("mercredi")),
    ("TH", _("jeudi")),
    ("FR", _("vendredi")),
    ("SA", _("samedi")),
    ("SU", _("dimanche")),
]
NTH = [
    ("1", _("premier")),
    ("2", _("deuxième")),
    ("3", _("troisième")),
    ("4", _("quatrième")),
    ("-1", _("dernier")),
]


def nth_of(day: datetime.date) -> str:
    """Which of its weekdays in the month a date is: "1"…"4", or "-1" for the last one."""
    if (day + datetime.timedelta(days=7)).month != day.month:
        return "-1"
    return str((day.day - 1) // 7 + 1)


SIMPLE_RULE = re.compile(
    r"FREQ=(?P<freq>WEEKLY|MONTHLY)(;INTERVAL=(?P<interval>[0-9]+))?"
    r";BYDAY=(?P<nth>-1|[1-4])?(?P<weekday>MO|TU|WE|TH|FR|SA|SU)"
    r"(;UNTIL=(?P<until>[0-9]{8})T235959|;COUNT=(?P<count>[0-9]+))?"
)


def simple_fields(rrule: str) -> dict:
    """The picker's fields for a rule the picker could have written; "custom" otherwise."""
    if not rrule:
        return {"repeat": ""}
    match = SIMPLE_RULE.fullmatch(rrule.strip().upper())
    if match is None or (match["freq"] == "WEEKLY") == bool(match["nth"]):
        return {"repeat": "custom"}
    until = match["until"]
    return {
        "repeat": match["freq"].lower(),
        "interval": int(match["interval"] or 1),
        "weekday": match["weekday"],
        "nth": match["nth"] or "",
        "until": datetime.date(int(until[:4]), int(until[4:6]), int(until[6:])) if until else None,
        "count": int(match["count"]) if match["count"] else None,
    }


def build_rrule(cleaned: dict) -> str:
    """The RRULE the picker's fields describe (the same as events.js writes)."""
    repeat = cleaned.get("repeat", "")
    if repeat == "custom":
        return cleaned.get("rrule", "").strip()
    if not repeat:
        return ""
    starts_at = cleaned.get("starts_at")
    start = local_naive(starts_at) if starts_at else None
    weekday = cleaned.get("weekday") or (WEEKDAYS[start.weekday()][0] if start else "MO")
    interval = cleaned.get("interval") or 1
    parts = ["FREQ=WEEKLY" if repeat == "weekly" else "FREQ=MONTHLY"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    if repeat == "weekly":
        parts.append(f"BYDAY={weekday}")
    else:
        nth = cleaned.get("nth") or (nth_of(start.date()) if start else "1")
        parts.append(f"BYDAY={nth}{weekday}")
    if cleaned.get("until"):
        parts.append("UNTIL=" + cleaned["until"].strftime("%Y%m%d") + "T235959")
    elif cleaned.get("count"):
        parts.append(f"COUNT={cleaned['count']}")
    return ";".join(parts)


def owner_choices(user: User) -> list[tuple[str, str]]:
    """The networks, circles and places this person may create events for, as form choices."""
    choices: list[tuple[str, str]] = []
    coordinated = networks_coordinated_by(user=user).order_by("name")
    for network in coordinated:
        choices.append((f"network:{network.pk}", _("Réseau : %(name)s") % {"name": network.name}))
    for circle in circles_run_by(user=user, coordinated=coordinated):
        choices.append((f"circle:{circle.pk}", _("Cercle : %(name)s") % {"name": circle.name}))
    for place in places_managed_by(user=user):
        choices.append((f"place:{place.pk}", _("Lieu : %(name)s") % {"name": place.name}))
    return choices


def owner_from_choice(value: str) -> Owner | None:
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit():
        return None
    if kind == "circle":
        return get_circle_by_pk(int(pk))
    model = {"network": Network, "place": Place}.get(kind)
    if model is None:
        return None
    return model.objects.filter(pk=int(pk)).first()


class EventForm(forms.Form):
    owner = forms.ChoiceField(label=_("Animation portée par"))
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown accepté."),
    )
    starts_at = LocalDateTimeField(label=_("Début"), help_text=_("Heure de Paris."))
    ends_at = LocalDateTimeField(label=_("Fin"), help_text=_("Heure de Paris."))
    repeat = forms.ChoiceField(
        label=_("Répétition"),
        required=False,
        choices=[
            ("", _("Une seule fois")),
            ("weekly", _("Toutes les semaines (ou toutes les N semaines)")),
            ("monthly", _("Tous les mois, un jour de semaine donné (ex. premier mardi)")),
            ("custom", _("Règle RRULE écrite à la main")),
        ],
    )
    interval = forms.IntegerField(
        label=_("Toutes les"),
        min_value=1,
        max_value=52,
        required=False,
        initial=1,
        help_text=_("semaines ou mois (1 : chaque semaine, chaque mois)."),
    )
    # Blank by default: the day of the start date, whatever it is (a Tuesday start repeats on
    # Tuesdays unless another day is chosen).
    weekday = forms.ChoiceField(
        label=_("Jour"), choices=[("", _("le jour du début")), *WEEKDAYS], required=False
    )
    nth = forms.ChoiceField(
        label=_("Quel jour du mois"),
        choices=[("", _("comme le début")), *NTH],
        required=False,
    )
    until = forms.DateField(
        label=_("Jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    count = forms.IntegerField(
        label=_("Ou nombre de séances"), min_value=1, max_value=500, required=False
    )
    rrule = forms.CharField(
        label=_("Règle de récurrence (RRULE)"),
        max_length=300,
        required=False,
        help_text=_("Par exemple FREQ=MONTHLY;BYDAY=1TU pour le premier mardi de chaque mois."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    online_url = forms.URLField(
        label=_("Lien de visio"),
        required=False,
        assume_scheme="https",
        help_text=_("Montré seulement aux personnes inscrites."),
    )
    venue = forms.ModelChoiceField(
        label=_("Lieu d'accueil"),
        queryset=Place.objects.published().order_by("name"),
        required=False,
        to_field_name="slug",
    )
    address = forms.CharField(
        label=_("Ou adresse"),
        max_length=300,
        required=False,
        help_text=_("Si ce n'est pas un lieu de l'annuaire."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Laisser vide : sans limite.")
    )
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    peer_audience = forms.ChoiceField(
        label=_("Réservé aux pairs"),
        choices=PEER_AUDIENCES,
        required=False,
        help_text=_(
            "Seules les personnes qui gèrent un tel lieu s'inscrivent (et celles que vous invitez)."
        ),
    )
    price = forms.CharField(
        label=_("Prix (euros)"),
        required=False,
        max_length=20,
        help_text=_("Vide ou 0 : gratuit. Par exemple 12,50."),
    )
    organiser_emails = forms.CharField(
        label=_("Autres personnes qui organisent"),
        required=False,
        help_text=_("Leurs adresses e-mail de compte, séparées par des virgules."),
    )
    tags = forms.CharField(
        label=_("Mots-clés"), required=False, help_text=_("Séparés par des virgules.")
    )
    requires_approval = forms.BooleanField(
        label=_("Inscriptions validées par l'organisation"), required=False
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[
            (Event.Status.DRAFT, _("Brouillon (visible de l'organisation seulement)")),
            (Event.Status.PUBLISHED, _("Publié")),
        ],
        initial=Event.Status.PUBLISHED,
    )

    def __init__(self, *args, user: User, event: Event | None = None, series: bool = True, **kw):
        super().__init__(*args, **kw)
        self.user = user
        self.event = event
        if event is not None:
            # The owner of an existing event does not change.
            del self.fields["owner"]
            if not self.is_bound:
                self.initial.update(self.initial_from(event))
        else:
            self.fields["owner"].choices = owner_choices(user)
        if not series:
            for name in ("repeat", "interval", "weekday", "nth", "until", "count", "rrule"):
                del self.fields[name]
        for name, field in self.fields.items():
            if name in ("repeat", "interval", "weekday", "nth", "until", "count", "rrule"):
                field.widget.attrs["data-recurrence"] = name

    @staticmethod
    def initial_from(event: Event) -> dict:
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "starts_at": timezone.localtime(event.starts_at).strftime(LOCAL_FORMAT),
            "ends_at": timezone.localtime(event.ends_at).strftime(LOCAL_FORMAT),
            **simple_fields(event.rrule),
            "rrule": event.rrule,
            "online_url": event.online_url,
            "venue": event.venue.slug if event.venue else None,
            "address": event.address,
            "capacity": event.capacity,
            "audience": event.audience,
            "peer_audience": event.peer_audience,
            "price": format_cents(event.price_cents).replace("\u00a0€", "")
            if event.price_cents
            else "",
            "organiser_emails": ", ".join(u.email for u in event.organisers.all()),
            "tags": ", ".join(event.tags or []),
            "requires_approval": event.requires_approval,
            "status": event.status if event.status != Event.Status.CANCELLED else "published",
        }

    def clean_owner(self) -> Owner:
        owner = owner_from_choice(self.cleaned_data["owner"])
        if owner is None:
            raise forms.ValidationError(_("Choisissez qui porte l'animation."))
        return owner

    def clean_price(self) -> int:
        text = self.cleaned_data["price"].strip()
        if not text:
            return 0
        try:
            cents = parse_euros(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("Indiquez un montant en euros, par exemple 12,50.")
            ) from error
        if cents < 0:
            raise forms.ValidationError(_("Le prix ne peut pas être négatif."))
        return cents

    def clean_organiser_emails(self) -> list[User]:
        emails = [e.strip().lower() for e in self.cleaned_data["organiser_emails"].split(",")]
        emails = [e for e in emails if e]
        users = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = sorted(set(emails) - {u.email.lower() for u in users})
        if unknown:
            raise forms.ValidationError(
                _("Aucun compte pour : %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return users

    def clean_tags(self) -> list[str]:
        return [t.strip()[:50] for t in self.cleaned_data["tags"].split(",") if t.strip()][:20]

    def clean(self) -> dict:
        cleaned = super().clean()
        if "repeat" in self.fields:
            if cleaned.get("until") and cleaned.get("count"):
                self.add_error("count", _("Choisissez une date de fin ou un nombre, pas les deux."))
            cleaned["rrule"] = build_rrule(cleaned)
            if cleaned.get("repeat") == "custom" and not cleaned["rrule"]:
                self.add_error("rrule", _("Écrivez la règle de récurrence."))
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin doit être après le début."))
        if cleaned.get("kind") != EventKind.TOUR and not (
            cleaned.get("online_url") or cleaned.get("venue") or cleaned.get("address")
        ):
            self.add_error(
                "online_url", _("Indiquez un lien de visio, un lieu d'accueil ou une adresse.")
            )
        return cleaned

    def to_data(self) -> EventData:
        c = self.cleaned_data
        return EventData(
            kind=c["kind"],
            title=c["title"].strip(),
            description=c["description"],
            starts_at=c["starts_at"],
            ends_at=c["ends_at"],
            rrule=c.get("rrule", self.event.rrule if self.event else ""),
            online_url=c["online_url"],
            venue=c["venue"],
            address=c["address"].strip(),
            capacity=c["capacity"],
            audience=c["audience"],
            peer_audience=c["peer_audience"],
            price_cents=c["price"],
            requires_approval=c["requires_approval"],
            status=c["status"],
            tags=c["tags"],
            organisers=c["organiser_emails"],
        )


class OccurrenceForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("Début"), help_text=_("Heure de Paris."))
    ends_at = LocalDateTimeField(label=_("Fin"), help_text=_("Heure de Paris."))
    title = forms.CharField(
        label=_("Titre de cette séance"),
        max_length=200,
        required=False,
        help_text=_("Vide : le titre de l'animation."),
    )
    note = forms.CharField(
        label=_("Précision pour cette séance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, required=False, help_text=_("Vide : celles de l'animation.")
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("La fin doit être après le début."))
        return cleaned


class StopForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Lieu"), queryset=Place.objects.published().order_by("name"), to_field_name="slug"
    )
    arrives_at = LocalDateTimeField(label=_("Arrivée"))
    leaves_at = LocalDateTimeField(label=_("Départ"))
    note = forms.CharField(label=_("Au programme"), max_length=300, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        arrives_at, leaves_at = cleaned.get("arrives_at"), cleaned.get("leaves_at")
        if arrives_at and leaves_at and leaves_at < arrives_at:
            self.add_error("leaves_at", _("Le départ doit être après l'arrivée."))
        return cleaned


def occurrence_initial(occurrence) -> dict:
    return {
        "starts_at": timezone.localtime(occurrence.starts_at).strftime(LOCAL_FORMAT),
        "ends_at": timezone.localtime(occurrence.ends_at).strftime(LOCAL_FORMAT),
        "title": occurrence.title_override,
        "note": occurrence.note,
        "capacity": occurrence.capacity,
    }


def shift_to(occurrence, event: Event) -> dict:
    """Initial values of a "this and following" form: the series as it is, from this session."""
    initial = EventForm.initial_from(event)
    initial["starts_at"] = timezone.localtime(occurrence.starts_at).strftime(LOCAL_FORMAT)
    duration: datetime.timedelta = event.ends_at - event.starts_at
    initial["ends_at"] = timezone.localtime(occurrence.starts_at + duration).strftime(LOCAL_FORMAT)
    return initial
