"""Governance and the network's economy: membership fees, volunteer time, debates and collective
proposals with their governance meetings.

Money never lives here: a fee payment, its refund, are ledger transfers (`maillage.ledger`)
citing the payment. A paid fee is never edited: a refund is a counter-entry. Supports, comments
and decisions keep their author even when hidden; moderation writes a log.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.lib.validators import single_line


class FeeReason(models.TextChoices):
    """Why governance moves money in the ledger (registered with it in `apps.py`)."""

    FEE = "fee", _("Cotisation")
    DONATION = "donation", _("Don")


class GovernanceRole(models.Model):
    """A role this app gives in a network: the treasurer keeps the fees and the accounts."""

    class Role(models.TextChoices):
        TREASURER = "treasurer", _("Trésorier·e")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="governance_roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governance_roles"
    )
    role = models.CharField(_("rôle"), max_length=15, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle de gouvernance")
        verbose_name_plural = _("rôles de gouvernance")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"], name="governance_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.network}"


# --- membership fees --------------------------------------------------------------------------


class FeeBasis(models.TextChoices):
    FLAT = "flat", _("Montant fixe (selon le type de lieu)")
    SIZE = "size", _("Selon la taille (personnes salariées)")
    BUDGET = "budget", _("Selon le budget annuel")
    FREE = "free", _("Prix libre, avec un minimum")


class YearKind(models.TextChoices):
    CALENDAR = "calendar", _("Année civile")
    ROLLING = "rolling", _("Année glissante (date anniversaire)")


class FeeSchedule(models.Model):
    """The fees of a network for one year: how a place's fee is computed, and people's fee."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="fee_schedules"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    basis = models.CharField(_("calcul"), max_length=10, choices=FeeBasis.choices)
    year_kind = models.CharField(
        _("année d'adhésion"), max_length=10, choices=YearKind.choices, default=YearKind.CALENDAR
    )
    # Prix libre: the least a place may pay, and what the network suggests.
    free_minimum_cents = models.PositiveIntegerField(_("minimum (prix libre)"), default=0)
    free_suggested_cents = models.PositiveIntegerField(_("montant suggéré"), default=0)
    individual_cents = models.PositiveIntegerField(
        _("cotisation individuelle"), default=0, help_text=_("0 : pas d'adhésion individuelle.")
    )
    due_days = models.PositiveSmallIntegerField(
        _("délai de paiement (jours)"), default=30, help_text=_("Après l'appel.")
    )
    grace_days = models.PositiveSmallIntegerField(
        _("délai de grâce (jours)"),
        default=60,
        help_text=_("Après l'échéance : l'adhésion est alors suspendue."),
    )
    # Reçu fiscal (Cerfa 11580): only for organisations of general interest.
    tax_receipts = models.BooleanField(_("reçus fiscaux pour les dons"), default=False)
    legal_name = models.CharField(
        _("nom de l'organisme"), max_length=200, blank=True, validators=[single_line]
    )
    legal_address = models.CharField(
        _("adresse de l'organisme"), max_length=250, blank=True, validators=[single_line]
    )
    legal_object = models.CharField(_("objet"), max_length=300, blank=True)
    legal_status = models.CharField(
        _("qualité de l'organisme"),
        max_length=200,
        blank=True,
        help_text=_("Ex. : association d'intérêt général (art. 200 et 238 bis du CGI)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("barème de cotisation")
        verbose_name_plural = _("barèmes de cotisation")
        ordering = ["network_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="governance_one_schedule"),
            models.CheckConstraint(
                condition=Q(free_suggested_cents__gte=models.F("free_minimum_cents"))
                | Q(free_suggested_cents=0),
                name="governance_suggested_above_minimum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.year}"


class FeeBracket(models.Model):
    """One line of a schedule: the fee for a type of place, or for a size or budget bracket."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="brackets")
    place_type = models.CharField(
        _("type de lieu"), max_length=20, blank=True, help_text=_("Vide : tous les types.")
    )
    lower = models.PositiveBigIntegerField(_("à partir de"), default=0)
    upper = models.PositiveBigIntegerField(_("jusqu'à (exclu)"), null=True, blank=True)
    amount_cents = models.PositiveIntegerField(_("cotisation"))

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["schedule_id", "place_type", "lower"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")),
                name="governance_bracket_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} — {self.place_type or self.lower}: {self.amount_cents}"


class FeeCall(models.Model):
    """A call for a fee: to a place (sent to its managers) or to a person, with its amount."""

    class Status(models.TextChoices):
        CALLED = "called", _("Appelée")
        PAID = "paid", _("Payée")
        LATE = "late", _("En retard")
        LAPSED = "lapsed", _("Adhésion suspendue")
        REFUNDED = "refunded", _("Remboursée")

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="calls")
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="fee_calls"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fee_calls",
    )
    amount_cents = models.PositiveIntegerField(_("montant appelé"))
    computed_from = models.CharField(_("calcul"), max_length=250, blank=True)
    # What the place declared for the bracket (size or budget), kept with the call.
    declared_value = models.PositiveBigIntegerField(null=True, blank=True)
    period_start = models.DateField(_("début de période"))
    period_end = models.DateField(_("fin de période"))
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.CALLED
    )
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appel de cotisation")
        verbose_name_plural = _("appels de cotisation")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=True, person__isnull=False)
                | Q(place__isnull=False, person__isnull=True),
                name="governance_call_one_payer",
            ),
            models.UniqueConstraint(
                fields=["schedule", "place"],
                condition=Q(place__isnull=False),
                name="governance_one_call_per_place",
            ),
            models.UniqueConstraint(
                fields=["schedule", "person"],
                condition=Q(person__isnull=False),
                name="governance_one_call_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_name} — {self.schedule}"

    @property
    def payer_name(self) -> str:
        if self.place_id:
            return str(self.place)
        return self.person.public_name if self.person else ""

    @property
    def lapses_on(self) -> datetime.date:
        return self.due_on + datetime.timedelta(days=self.schedule.grace_days)


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CASH = "cash", _("Espèces")
    ONLINE = "online", _("Paiement en ligne")


class FeePayment(models.Model):
    """A payment of a fee, posted to the ledger. Never edited: a refund is a counter-entry."""

    call = models.ForeignKey(FeeCall, on_delete=models.PROTECT, related_name="payments")
    fee_cents = models.PositiveIntegerField(_("part cotisation"))
    donation_cents = models.PositiveIntegerField(_("part don"), default=0)
    method = models.CharField(_("moyen"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(
        _("référence"), max_length=120, blank=True, validators=[single_line]
    )
    paid_on = models.DateField(_("payé le"))
    payer_name = models.CharField(_("payé par"), max_length=200, blank=True)
    payer_address = models.CharField(_("adresse du payeur"), max_length=300, blank=True)
    receipt_number = models.CharField(_("n° de reçu"), max_length=30, unique=True)
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)
    refund_reason = models.TextField(_("motif du remboursement"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("paiement de cotisation")
        verbose_name_plural = _("paiements de cotisation")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_cents__gt=0) | Q(donation_cents__gt=0),
                name="governance_payment_positive",
            ),
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="governance_payment_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} — {self.total_cents}"

    @property
    def total_cents(self) -> int:
        return self.fee_cents + self.donation_cents


# --- volunteer time ---------------------------------------------------------------------------


class VolunteerRate(models.Model):
    """The hourly value a network gives to volunteer time in a year."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="volunteer_rates"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    hourly_cents = models.PositiveIntegerField(_("valeur d'une heure"))
    basis = models.CharField(_("fondement"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("valorisation du bénévolat")
        verbose_name_plural = _("valorisations du bénévolat")
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="governance_one_rate"),
            models.CheckConstraint(condition=Q(hourly_cents__gt=0), name="governance_rate_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.year}: {self.hourly_cents}"


class Activity(models.TextChoices):
    CIRCLE = "circle", _("Cercle territorial")
    EVENT = "event", _("Événement")
    COMMONS = "commons", _("Commun")
    PEER = "peer", _("Soutien à un pair")
    GOVERNANCE = "governance", _("Vie du réseau")


class VolunteerEntry(models.Model):
    """Hours a person gave on one day, for an activity, until a coordinator validates them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À valider")
        VALIDATED = "validated", _("Validées")
        REFUSED = "refused", _("Refusées")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="volunteer_entries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_entries"
    )
    activity = models.CharField(_("activité"), max_length=12, choices=Activity.choices)
    label = models.CharField(_("pour"), max_length=200, validators=[single_line])
    day = models.DateField(_("jour"))
    minutes = models.PositiveIntegerField(_("durée (minutes)"))
    note = models.TextField(_("ce qui a été fait"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("heures de bénévolat")
        verbose_name_plural = _("heures de bénévolat")
        ordering = ["-day", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=24 * 60), name="governance_minutes_in_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.day}: {self.minutes} min"

    @property
    def hours(self) -> float:
        return self.minutes / 60


# --- debates and collective proposals ---------------------------------------------------------


class ThresholdKind(models.TextChoices):
    PLACES = "places", _("Nombre de lieux")
    SHARE = "share", _("Part des lieux du réseau (%)")


class DebateSpace(models.Model):
    """Where a network (a circle, or the national network for everyone) debates."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="debate_spaces"
    )
    circle = models.ForeignKey(
        "circles.Circle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="debate_spaces",
    )
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    threshold_kind = models.CharField(
        _("seuil"), max_length=8, choices=ThresholdKind.choices, default=ThresholdKind.PLACES
    )
    threshold_value = models.PositiveSmallIntegerField(_("valeur du seuil"), default=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("espace de débat")
        verbose_name_plural = _("espaces de débat")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold_value__gt=0), name="governance_threshold"),
        ]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A debate or a collective proposal (position, request to institutions, charter change)."""

    class Kind(models.TextChoices):
        DEBATE = "debate", _("Débat")
        POSITION = "position", _("Prise de position")
        REQUEST = "request", _("Demande aux institutions")
        CHARTER = "charter", _("Modification de la charte")

    class Status(models.TextChoices):
        OPEN = "open", _("Ouverte aux soutiens")
        ON_AGENDA = "on_agenda", _("À l'ordre du jour")
        ADOPTED = "adopted", _("Adoptée")
        UNDER_STUDY = "under_study", _("À l'étude")
        REJECTED = "rejected", _("Rejetée")
        # "Close" alone is Django's own "Fermer" (a button): the context keeps the status.
        CLOSED = "closed", pgettext_lazy("statut", "Close")

    space = models.ForeignKey(DebateSpace, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(_("texte"))
    # A charter change carries the whole new text; adopted, it becomes the next version.
    charter_text = models.TextField(_("nouveau texte de la charte"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="governance_proposals"
    )
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governance_proposals",
        verbose_name=_("au nom du lieu"),
    )
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.OPEN)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("réponse du réseau"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("proposition collective")
        verbose_name_plural = _("propositions collectives")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """A person's support, or a place's (given by its manager on its behalf): one each."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="governance_supports"
    )
    place = models.ForeignKey(
        "places.Place",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governance_supports",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "by"],
                condition=Q(place__isnull=True),
                name="governance_one_support_per_person",
            ),
            models.UniqueConstraint(
                fields=["proposal", "place"],
                condition=Q(place__isnull=False),
                name="governance_one_support_per_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place or self.by} → {self.proposal}"


class Comment(models.Model):
    """A comment in a thread; hidden by a moderator with a reason, never deleted."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="governance_comments"
    )
    body = models.TextField(_("commentaire"))
    is_amendment = models.BooleanField(_("amendement"), default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("motif du masquage"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} — {self.proposal}"


class ModerationEntry(models.Model):
    """The log of moderation: reports, hidings, restorations — kept for ever."""

    class Action(models.TextChoices):
        REPORT = "report", _("Signalement")
        HIDE = "hide", _("Masquage")
        RESTORE = "restore", _("Rétablissement")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=8, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.comment_id}"


class GovernanceMeeting(models.Model):
    """A meeting of the network's governance: proposals that crossed their threshold."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévue")
        # "Close" alone is Django's own "Fermer" (a button): the context keeps the status.
        CLOSED = "closed", pgettext_lazy("statut", "Close")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="governance_meetings"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    starts_at = models.DateTimeField(_("le"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes = models.TextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("réunion de gouvernance")
        verbose_name_plural = _("réunions de gouvernance")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(GovernanceMeeting, on_delete=models.CASCADE, related_name="items")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="agenda_item")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.proposal}"


class GovernanceDecision(models.Model):
    """What a governance meeting decided on a proposal; never edited."""

    class Method(models.TextChoices):
        CONSENT = "consent", _("Consentement")
        VOTE = "vote", _("Vote")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adoptée")
        UNDER_STUDY = "under_study", _("À l'étude")
        REJECTED = "rejected", _("Rejetée")

    meeting = models.ForeignKey(
        GovernanceMeeting, on_delete=models.PROTECT, related_name="decisions"
    )
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    method = models.CharField(_("mode"), max_length=8, choices=Method.choices)
    outcome = models.CharField(_("issue"), max_length=12, choices=Outcome.choices)
    present_places = models.PositiveIntegerField(_("lieux présents ou représentés"))
    member_places = models.PositiveIntegerField(_("lieux adhérents à jour"))
    votes_for = models.PositiveIntegerField(_("pour"), default=0)
    votes_against = models.PositiveIntegerField(_("contre"), default=0)
    votes_abstain = models.PositiveIntegerField(_("abstentions"), default=0)
    reasons = models.TextField(_("motifs"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision de gouvernance")
        verbose_name_plural = _("décisions de gouvernance")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.proposal}"


class CarryStep(models.Model):
    """A step taken to carry an adopted position to institutions (a letter, a meeting)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    day = models.DateField(_("le"))
    text = models.CharField(_("démarche"), max_length=300, validators=[single_line])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} — {self.text}"


class Consultation(models.Model):
    """A short questionnaire with a deadline; results as bars."""

    space = models.ForeignKey(DebateSpace, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    intro = models.TextField(_("présentation"), blank=True)
    closes_at = models.DateTimeField(_("date limite"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-closes_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ConsultationQuestion(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("question"), max_length=300)
    # One choice a line.
    choices = models.TextField(_("réponses possibles"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ConsultationAnswer(models.Model):
    question = models.ForeignKey(
        ConsultationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_answers"
    )
    choice = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "person"], name="governance_one_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} — {self.person_id}: {self.choice}"


# --- legitimacy: the charter's versions, delegates elected by the member places ----------------


class CharterVersion(models.Model):
    """One version of a network's charter, and the proposal whose adoption made it; never edited.

    The text in force stays on the network (`Network.charter`, `charter_version`); each
    membership records the version its place accepted."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="charter_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("texte"))
    adopted_on = models.DateField(_("adoptée le"), null=True, blank=True)
    proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charter_version",
        verbose_name=_("proposition qui l'a amendée"),
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("version de la charte")
        verbose_name_plural = _("versions de la charte")
        ordering = ["network_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "number"], name="governance_one_charter_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — v{self.number}"


class Election(models.Model):
    """An election of delegates who speak for the network, by its member places.

    Candidacies first, then the vote (one ballot per place, cast by one of its managers), then
    closing: the quorum is checked and the results are frozen — a closed election never changes.
    """

    class Status(models.TextChoices):
        CANDIDACIES = "candidacies", _("Appel à candidatures")
        VOTING = "voting", _("Vote en cours")
        # "Close" alone is Django's own "Fermer" (a button): the context keeps the status.
        CLOSED = "closed", pgettext_lazy("statut", "Close")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="elections"
    )
    mandate = models.CharField(_("mandat"), max_length=200, validators=[single_line])
    description = models.TextField(_("ce que le mandat engage"), blank=True)
    seats = models.PositiveSmallIntegerField(_("sièges"))
    term_months = models.PositiveSmallIntegerField(_("durée du mandat (mois)"))
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.CANDIDACIES
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Frozen at closing.
    voters = models.PositiveIntegerField(_("lieux appelés à voter"), null=True, blank=True)
    quorum = models.PositiveIntegerField(_("quorum"), null=True, blank=True)
    ballots_cast = models.PositiveIntegerField(_("bulletins"), null=True, blank=True)
    quorum_reached = models.BooleanField(null=True, blank=True)
    term_ends_on = models.DateField(_("fin du mandat"), null=True, blank=True)

    class Meta:
        verbose_name = _("élection de délégué·es")
        verbose_name_plural = _("élections de délégué·es")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0), name="governance_election_seats"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="governance_election_term"),
        ]

    def __str__(self) -> str:
        return f"{self.mandate} — {self.network}"


class Candidacy(models.Model):
    """A person standing for the mandate, with what they commit to."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidacies")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacies"
    )
    statement = models.TextField(_("profession de foi"))
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Frozen at closing.
    votes = models.PositiveIntegerField(_("voix"), null=True, blank=True)
    elected = models.BooleanField(_("élu·e"), default=False)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="governance_one_candidacy"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.election}"


class Ballot(models.Model):
    """A member place's vote, cast by one of its managers: one per place and election."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="ballots")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.ManyToManyField(Candidacy, related_name="ballots", blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        constraints = [
            models.UniqueConstraint(fields=["election", "place"], name="governance_one_ballot"),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.election}"
