"""Mobility: schemes, host offers, passes and visit bookings; money goes through the ledger."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.lib.validators import single_line

# --- money ------------------------------------------------------------------------------------


class MobilityReason(models.TextChoices):
    """Why mobility moves money in the ledger (registered with it in `apps.py`)."""

    PASS_FEE = "pass_fee", _("Cotisation du pass")
    HOST_PAYMENT = "host_payment", _("Paiement du lieu d'accueil")
    RETROCESSION = "retrocession", _("Rétrocession au lieu d'accueil")
    PREFERENTIAL = "preferential", _("Tarif préférentiel payé au lieu d'accueil")
    NO_SHOW = "no_show", _("Absence facturée")


# --- schemes ----------------------------------------------------------------------------------


class SchemeModel(models.TextChoices):
    PASS = "pass", _("Pass réseau")
    RETROCESSION = "retrocession", _("Rétrocession")
    PREFERENTIAL = "preferential", _("Tarif préférentiel")


class QuotaPeriod(models.TextChoices):
    MONTH = "month", _("par mois")
    YEAR = "year", _("par an")


class Scheme(models.Model):
    """A mobility scheme of a network; its terms live in versions effective from a date."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="mobility_schemes"
    )
    name = models.CharField(_("nom"), max_length=150, validators=[single_line])
    model = models.CharField(_("modèle"), max_length=15, choices=SchemeModel.choices)
    description = models.TextField(_("présentation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("formule de mobilité")
        verbose_name_plural = _("formules de mobilité")
        ordering = ["network_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="unique_scheme_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"

    def get_absolute_url(self) -> str:
        return reverse("mobility:scheme-detail", args=[self.network.slug, self.pk])


class SchemeVersion(models.Model):
    """The terms of a scheme from `effective_from` until the next version (never retroactive)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField(_("en vigueur à partir du"))
    valid_until = models.DateField(
        _("valable jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Laisser vide pour une formule sans date de fin."),
    )
    monthly_price_cents = models.PositiveIntegerField(_("prix mensuel"), default=0)
    quota_days = models.PositiveSmallIntegerField(_("jours inclus"))
    quota_period = models.CharField(
        _("période du quota"), max_length=5, choices=QuotaPeriod.choices, default=QuotaPeriod.MONTH
    )
    day_rate_cents = models.PositiveIntegerField(_("tarif journée du lieu d'accueil"), default=0)
    half_day_rate_cents = models.PositiveIntegerField(
        _("tarif demi-journée du lieu d'accueil"), default=0
    )
    retrocession_share_bp = models.PositiveIntegerField(
        _("part rétrocédée (points de base)"),
        default=0,
        help_text=_("En points de base : 2500 = 25 %."),
    )
    preferential_discount_bp = models.PositiveIntegerField(
        _("remise du tarif préférentiel (points de base)"),
        default=0,
        help_text=_("En points de base : 3000 = 30 % de remise sur le tarif journée."),
    )
    cancellation_deadline_hours = models.PositiveSmallIntegerField(
        _("délai d'annulation (heures)"), default=24
    )
    no_show_charged = models.BooleanField(_("absence facturée"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version de formule")
        verbose_name_plural = _("versions de formule")
        ordering = ["scheme_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "effective_from"], name="one_version_per_scheme_and_date"
            ),
            models.CheckConstraint(
                condition=Q(retrocession_share_bp__lte=10000)
                & Q(preferential_discount_bp__lte=10000),
                name="scheme_shares_at_most_100_percent",
            ),
            models.CheckConstraint(condition=Q(quota_days__gt=0), name="scheme_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} — {self.effective_from}"

    def covers(self, day: datetime.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


# --- host offers ------------------------------------------------------------------------------

WEEKDAY_FIELDS = [
    "desks_monday",
    "desks_tuesday",
    "desks_wednesday",
    "desks_thursday",
    "desks_friday",
    "desks_saturday",
    "desks_sunday",
]


class HostOffer(models.Model):
    """What a place opens to visiting members: desks per weekday, closed dates, approval."""

    place = models.OneToOneField(
        "places.Place", on_delete=models.CASCADE, related_name="host_offer"
    )
    desks_monday = models.PositiveSmallIntegerField(_("lundi"), default=0)
    desks_tuesday = models.PositiveSmallIntegerField(_("mardi"), default=0)
    desks_wednesday = models.PositiveSmallIntegerField(_("mercredi"), default=0)
    desks_thursday = models.PositiveSmallIntegerField(_("jeudi"), default=0)
    desks_friday = models.PositiveSmallIntegerField(_("vendredi"), default=0)
    desks_saturday = models.PositiveSmallIntegerField(_("samedi"), default=0)
    desks_sunday = models.PositiveSmallIntegerField(_("dimanche"), default=0)
    # ISO dates ("2026-12-25"), sorted.
    closed_dates = models.JSONField(_("jours de fermeture"), default=list, blank=True)
    half_days_allowed = models.BooleanField(_("demi-journées possibles"), default=True)
    instructions = models.TextField(
        _("informations pour les visiteurs"), blank=True, help_text=_("Markdown accepté.")
    )
    approval_required = models.BooleanField(_("validation par le lieu"), default=False)
    approval_hours = models.PositiveSmallIntegerField(_("délai de validation (heures)"), default=48)
    is_active = models.BooleanField(_("accueil ouvert"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offre d'accueil")
        verbose_name_plural = _("offres d'accueil")

    def __str__(self) -> str:
        return str(self.place)

    def desks_on(self, day: datetime.date) -> int:
        if day.isoformat() in self.closed_dates:
            return 0
        return getattr(self, WEEKDAY_FIELDS[day.weekday()])


class HostDay(models.Model):
    """The desks taken at a host on one day, per half day: the row locked by every booking."""

    offer = models.ForeignKey(HostOffer, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    am_booked = models.PositiveSmallIntegerField(default=0)
    pm_booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("journée d'accueil")
        verbose_name_plural = _("journées d'accueil")
        constraints = [
            models.UniqueConstraint(fields=["offer", "day"], name="one_host_day_per_offer_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.offer} — {self.day}"


# --- passes and bookings ----------------------------------------------------------------------


class Pass(models.Model):
    """A member's right to visit the network's places under a scheme."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        ENDED = "ended", _("Terminé")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="passes")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mobility_passes"
    )
    home_place = models.ForeignKey(
        "places.Place",
        verbose_name=_("lieu d'attache"),
        on_delete=models.PROTECT,
        related_name="mobility_passes",
    )
    status = models.CharField(
        _("statut"), max_length=6, choices=Status.choices, default=Status.ACTIVE
    )
    starts_on = models.DateField(_("à partir du"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pass mobilité")
        verbose_name_plural = _("pass mobilité")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "holder"],
                condition=Q(status="active"),
                name="one_active_pass_per_scheme_and_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} — {self.scheme}"

    def get_absolute_url(self) -> str:
        return reverse("mobility:pass-detail", args=[self.pk])


class Half(models.TextChoices):
    FULL = "full", _("Journée")
    AM = "am", _("Matin")
    PM = "pm", _("Après-midi")


class Booking(models.Model):
    """One visit day (or half day) of a pass holder at a host place."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de validation")
        CONFIRMED = "confirmed", _("Confirmée")
        CHECKED_IN = "checked_in", _("Venue constatée")
        NO_SHOW = "no_show", _("Absence")
        CANCELLED = "cancelled", _("Annulée")
        REFUSED = "refused", _("Refusée")

    class CheckIn(models.TextChoices):
        QR = "qr", _("QR code")
        MANAGER = "manager", _("Par le lieu")

    member_pass = models.ForeignKey(
        Pass, verbose_name=_("pass"), on_delete=models.PROTECT, related_name="bookings"
    )
    offer = models.ForeignKey(HostOffer, on_delete=models.PROTECT, related_name="bookings")
    host_day = models.ForeignKey(HostDay, on_delete=models.PROTECT, related_name="bookings")
    day = models.DateField(_("jour"))
    half = models.CharField(_("durée"), max_length=4, choices=Half.choices, default=Half.FULL)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=100, unique=True)
    approval_due_at = models.DateTimeField(_("à valider avant"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_method = models.CharField(max_length=7, choices=CheckIn.choices, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["day", "pk"]
        indexes = [
            models.Index(fields=["member_pass", "day"]),
            models.Index(fields=["day", "status"]),
            # Covering index of the monthly settlement, in the order it groups by booking.
            models.Index(
                fields=["day", "member_pass", "offer", "status"], name="booking_settlement_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_pass.holder} @ {self.offer.place} — {self.day} ({self.half})"

    @property
    def halves(self) -> int:
        return 2 if self.half == Half.FULL else 1


# Bookings that hold a desk and a quota day.
HOLDING_STATUSES = [
    Booking.Status.PENDING,
    Booking.Status.CONFIRMED,
    Booking.Status.CHECKED_IN,
    Booking.Status.NO_SHOW,
]


# --- settlement -------------------------------------------------------------------------------


class ClosedMonth(models.Model):
    """A month of a network closed by a coordinator: its statements are frozen in `snapshot`;
    money events dated in it that happen later are booked to the next open month."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="closed_months"
    )
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    closed_at = models.DateTimeField(_("clôturé le"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clôturé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visits = models.PositiveIntegerField(_("visites"), default=0)
    amount_cents = models.BigIntegerField(_("montant versé aux lieux d'accueil"), default=0)
    # {"places": {place_id: {"name", "lines": [...], ...}}, "flows": [...]}
    snapshot = models.JSONField(_("relevés figés"), default=dict, editable=False)

    class Meta:
        verbose_name = _("mois clôturé")
        verbose_name_plural = _("mois clôturés")
        ordering = ["network_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["network", "month"], name="one_closing_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.month:%Y-%m}"
