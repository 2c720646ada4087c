"""Animations: events (one-off or recurring by RRULE), their occurrences, tours of places,
registrations with a waiting list, calendar feeds and imported iCalendar sources.

Times are stored aware (UTC in the database) and computed in Europe/Paris: a recurring event keeps
its wall-clock time across daylight-saving changes because occurrences are expanded in local time.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.lib.validators import single_line
from maillage.places.audiences import RESERVED_TO


class EventKind(models.TextChoices):
    CAFE = "cafe", _("Café virtuel")
    VISIO = "visio", _("Visio thématique")
    CODEV = "codev", _("Codéveloppement")
    MEETUP = "rencontre", _("Rencontre")
    TOUR = "tour", _("Tournée des lieux")
    TRAINING = "formation", _("Formation")
    OTHER = "autre", _("Autre")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Tout public")
    NETWORK = "network", _("Membres du réseau")
    CIRCLE = "circle", _("Membres du cercle")
    INVITED = "invited", _("Sur invitation")


# A reservation to peers, on top of the audience: only the managers of such places register.
PEER_AUDIENCES = [("", _("Sans réserve")), *RESERVED_TO.items()]


class Event(models.Model):
    """An animation owned by a network, a circle or a place; a series when it has an RRULE."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        CANCELLED = "cancelled", _("Annulé")

    # Exactly one owner. Audience "network" means the owner's network (the circle's network, or
    # the networks the owning place belongs to).
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="own_events"
    )
    kind = models.CharField(_("type"), max_length=10, choices=EventKind.choices)
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown accepté."))
    # The first occurrence (or the only one).
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    rrule = models.CharField(
        _("récurrence (RRULE)"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple FREQ=MONTHLY;BYDAY=1TU pour le premier mardi de chaque mois."),
    )
    # Dates (local, Europe/Paris) removed from the series.
    exdates = models.JSONField(_("dates exclues"), default=list, blank=True)
    online_url = models.URLField(
        _("lien de visio"), blank=True, help_text=_("Montré seulement aux personnes inscrites.")
    )
    venue = models.ForeignKey(
        "places.Place",
        verbose_name=_("lieu d'accueil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True, validators=[single_line])
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Laisser vide : sans limite.")
    )
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    peer_audience = models.CharField(
        _("réservé aux pairs"), max_length=6, choices=PEER_AUDIENCES, blank=True, default=""
    )
    price_cents = models.PositiveIntegerField(_("prix"), default=0)
    requires_approval = models.BooleanField(
        _("inscription validée par l'organisation"), default=False
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisation"),
        blank=True,
        related_name="organised_events",
    )
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    # Set when the event was imported from a place's public iCalendar feed.
    source = models.ForeignKey(
        "FeedSource", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    source_uid = models.CharField(max_length=500, blank=True)
    # "This and following" edits split a series: the new series remembers the one it continues.
    continues = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="continued_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("animation")
        verbose_name_plural = _("animations")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(network__isnull=False, circle__isnull=True, place__isnull=True)
                    | Q(network__isnull=True, circle__isnull=False, place__isnull=True)
                    | Q(network__isnull=True, circle__isnull=True, place__isnull=False)
                ),
                name="event_has_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["source", "source_uid"],
                condition=Q(source__isnull=False),
                name="one_event_per_imported_uid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Occurrence(models.Model):
    """One dated session of an event. Series are expanded ahead of time; an occurrence edited or
    cancelled on its own keeps `original_start` (its RECURRENCE-ID) so re-expansion respects it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    original_start = models.DateTimeField(_("date prévue par la récurrence"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    cancelled = models.BooleanField(_("annulée"), default=False)
    # Edited on its own: re-expanding the series keeps its times and overrides.
    is_modified = models.BooleanField(default=False)
    title_override = models.CharField(_("titre de cette séance"), max_length=200, blank=True)
    note = models.TextField(_("précision pour cette séance"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : celles de l'animation.")
    )
    # Registration counters, kept under a row lock so capacity holds under concurrency.
    confirmed_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="one_occurrence_per_recurrence_id"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="occurrence_starts_at")]

    def __str__(self) -> str:
        return f"{self.title_override or self.event.title} — {self.starts_at:%Y-%m-%d %H:%M}"


class TourStop(models.Model):
    """A stop of a tour: a place, in order, with times; the place confirms it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stops")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="tour_stops")
    position = models.PositiveSmallIntegerField(_("ordre"))
    arrives_at = models.DateTimeField(_("arrivée"))
    leaves_at = models.DateTimeField(_("départ"))
    note = models.CharField(_("au programme"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["event_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["event", "position"], name="one_stop_per_position"),
            models.CheckConstraint(
                condition=Q(leaves_at__gte=models.F("arrives_at")), name="stop_leaves_after_arrival"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.place}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Registration(models.Model):
    """A seat asked for one occurrence, by a person with an account or a guest by email."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        UNCONFIRMED = "unconfirmed", _("Adresse à confirmer")
        CONFIRMED = "confirmed", _("Inscrit·e")
        WAITLISTED = "waitlisted", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")
        REFUSED = "refused", _("Refusée")

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    guest_name = models.CharField(_("nom"), max_length=150, blank=True, validators=[single_line])
    guest_email = models.EmailField(_("e-mail"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices)
    # Consent to appear in the organisers' export of registrants.
    share_contact = models.BooleanField(
        _("j'accepte que l'organisation transmette mes coordonnées"), default=False
    )
    attended = models.BooleanField(_("présent·e"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["occurrence_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_email=""),
                name="registration_has_person",
            ),
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=Q(user__isnull=False),
                name="one_registration_per_user",
            ),
            models.UniqueConstraint(
                fields=["occurrence", "guest_email"],
                condition=Q(user__isnull=True),
                name="one_registration_per_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.guest_email} — {self.occurrence}"


class ReminderSent(models.Model):
    """A reminder already sent, so the periodic job never sends it twice."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "day", _("La veille")
        HOUR_BEFORE = "hour", _("Une heure avant")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="one_reminder_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} ({self.kind})"


class DigestSubscription(models.Model):
    """A person's opt-in to the weekly digest of a network's upcoming events."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_digests"
    )
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement au récapitulatif")
        verbose_name_plural = _("abonnements au récapitulatif")
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="one_digest_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.network}"


class CalendarToken(models.Model):
    """The secret in a person's private calendar feed URL; revoking replaces it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jeton d'agenda")
        verbose_name_plural = _("jetons d'agenda")

    def __str__(self) -> str:
        return f"{self.user}"


class FeedSource(models.Model):
    """A place's public iCalendar URL, imported periodically into its own events."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="feed_sources")
    url = models.URLField(_("adresse du calendrier iCal"), max_length=500)
    is_active = models.BooleanField(_("import actif"), default=True)
    last_fetched_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)
    last_status = models.CharField(_("résultat"), max_length=20, blank=True)
    last_error = models.TextField(_("erreur"), blank=True)
    last_count = models.PositiveIntegerField(_("animations lues"), default=0)
    etag = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendrier importé")
        verbose_name_plural = _("calendriers importés")
        constraints = [
            models.UniqueConstraint(fields=["place", "url"], name="one_feed_per_place_url"),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.url}"


class Invitation(models.Model):
    """An invitation of one e-mail address to an event "sur invitation". The token of its link
    proves the address; `user` is the account whose verified address it is, when there is one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sans réponse")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_invitations",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("réponse"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("invitée le"), default=timezone.now)
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event_id", "email"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_invitation_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.event}"
