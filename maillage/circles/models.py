"""Territorial circles: perimeter, people and their roles, programme, contributive budget,
regulation meetings and their decisions, expenses.

Money never lives here: envelopes, grants and payments are transfers in the ledger
(`maillage.ledger`), which cite the envelope or expense they come from and the decision that
granted the money.
Decisions are append-only: a later meeting supersedes one, nobody edits it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.lib.storage import private_storage
from maillage.lib.validators import single_line, validate_phone


class ImmutableRecord(Exception):
    """A decision (or another recorded fact) was about to be changed: supersede it instead."""


class CircleReason(models.TextChoices):
    """Why circles move money in the ledger (registered with it in `apps.py`)."""

    ENVELOPE = "envelope", _("Enveloppe d'un financeur")
    CIRCLE_EXPENSE = "circle_expense", _("Dépense d'un cercle")


class CircleAccountKind(models.TextChoices):
    CIRCLE = "circle", _("Cercle territorial")


class CircleStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    EMERGING = "emerging", _("Émergent")
    PREFIGURATION = "prefiguration", _("En préfiguration")


class Transparency(models.TextChoices):
    PUBLIC = "public", _("Publique")
    MEMBERS = "members", _("Réservée aux membres du réseau")


class Circle(models.Model):
    """A territorial circle of a network, with its own programme and contributive budget."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="circles"
    )
    name = models.CharField(_("nom"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("identifiant d'adresse"), max_length=220, unique=True)
    status = models.CharField(
        _("statut"), max_length=15, choices=CircleStatus.choices, default=CircleStatus.EMERGING
    )
    summary = models.CharField(
        _("en une phrase"), max_length=280, blank=True, validators=[single_line]
    )
    description = models.TextField(_("présentation"), blank=True, help_text=_("Markdown accepté."))
    communes = models.ManyToManyField(
        "territory.Commune", verbose_name=_("périmètre"), blank=True, related_name="circles"
    )
    places = models.ManyToManyField(
        "places.Place", verbose_name=_("lieux membres"), blank=True, related_name="circles"
    )
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[single_line, validate_phone]
    )
    # The quorum rule the circle set itself: at least `quorum_minimum` people present and at
    # least `quorum_percent` % of the circle's current members.
    quorum_minimum = models.PositiveSmallIntegerField(_("quorum : présents au minimum"), default=3)
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum : part des membres présents (%)"), default=0
    )
    receipts_required = models.BooleanField(
        _("justificatif obligatoire pour les dépenses"), default=True
    )
    transparency = models.CharField(
        _("page de transparence"),
        max_length=10,
        choices=Transparency.choices,
        default=Transparency.PUBLIC,
        help_text=_("Choisi par la coordination du réseau."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cercle territorial")
        verbose_name_plural = _("cercles territoriaux")
        ordering = ["network_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__lte=100), name="circle_quorum_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CircleStatusChange(models.Model):
    """One change of a circle's status, kept as its history."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=15, choices=CircleStatus.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=CircleStatus.choices)
    note = models.TextField(_("motif"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.circle} : {self.from_status} → {self.to_status}"


class CircleRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant·e")
    CONTRIBUTOR = "contributor", _("Contributeur·rice")
    STEWARD = "steward", _("Soucieux·se")


PAID_ROLES = (CircleRole.CONTRIBUTOR, CircleRole.STEWARD)


class CircleMember(models.Model):
    """A person's role in a circle for a period. Rows are history: a new role ends the old row."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_roles"
    )
    role = models.CharField(_("rôle"), max_length=15, choices=CircleRole.choices)
    starts_on = models.DateField(_("à partir du"), default=timezone.localdate)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    # Paid roles are named by a decision of a regulation meeting.
    decision = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="named_members"
    )
    ended_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    ended_reason = models.CharField(_("motif de fin"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre du cercle")
        verbose_name_plural = _("membres du cercle")
        ordering = ["circle_id", "user_id", "starts_on", "pk"]
        constraints = [
            # One open role per person and circle; older rows stay as history.
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_open_circle_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="circle_role_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.circle}"


class RoleRequest(models.Model):
    """A person asks to change role; a regulation meeting decides (paid roles) or it is withdrawn."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        WITHDRAWN = "withdrawn", _("Retirée")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="role_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_role_requests"
    )
    role = models.CharField(_("rôle demandé"), max_length=15, choices=CircleRole.choices)
    starts_on = models.DateField(_("à partir du"), null=True, blank=True)
    ends_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de rôle")
        verbose_name_plural = _("demandes de rôle")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "user"],
                condition=Q(status="pending"),
                name="one_pending_role_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()} ({self.circle})"


# --- programme --------------------------------------------------------------------------------


class Action(models.Model):
    """An action of the circle's programme."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ADOPTED = "adopted", _("Adoptée")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        DROPPED = "dropped", _("Abandonnée")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown accepté."))
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur·ses"),
        blank=True,
        related_name="circle_actions",
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    expected_cost_cents = models.PositiveBigIntegerField(_("coût prévu"), default=0)
    outcomes = models.TextField(_("résultats"), blank=True, help_text=_("Markdown accepté."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["circle_id", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionReport(models.Model):
    """A contributor's report back on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("compte rendu"), help_text=_("Markdown accepté."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compte rendu d'action")
        verbose_name_plural = _("comptes rendus d'action")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} — {self.created_at:%Y-%m-%d}"


# --- budget -----------------------------------------------------------------------------------


class FunderKind(models.TextChoices):
    REGION = "region", _("Région")
    FEDER = "feder", _("FEDER (Union européenne)")
    STATE = "state", _("État")
    NETWORK = "network", _("Fonds propres du réseau")
    COFINANCING = "cofinancing", _("Cofinancement")
    OTHER = "other", _("Autre")


class Envelope(models.Model):
    """Money a funder gives a circle for a year; optionally earmarked for one action.

    Recording an envelope posts one ledger transfer funder → circle account.
    """

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="envelopes")
    year = models.PositiveSmallIntegerField(_("année"))
    funder_kind = models.CharField(
        _("type de financeur"), max_length=12, choices=FunderKind.choices
    )
    funder = models.CharField(_("financeur"), max_length=200)
    amount_cents = models.PositiveBigIntegerField(_("montant"))
    earmark_action = models.ForeignKey(
        Action,
        verbose_name=_("réservée à l'action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="earmarked_envelopes",
    )
    note = models.TextField(_("conditions du financeur"), blank=True)
    # Set when a mistaken envelope is cancelled by a reversing transfer (nothing granted from it).
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enveloppe")
        verbose_name_plural = _("enveloppes")
        ordering = ["circle_id", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="envelope_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} {self.year} — {self.circle}"


class PayeeKind(models.TextChoices):
    PERSON = "person", _("Une personne en rôle rémunéré")
    PLACE = "place", _("Un lieu")
    PROVIDER = "provider", _("Un prestataire extérieur")


class Proposal(models.Model):
    """A spending proposal tied to an action, put to a regulation meeting."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Déposée")
        SCHEDULED = "scheduled", _("À l'ordre du jour")
        GRANTED = "granted", _("Accordée")
        PARTIAL = "partial", _("Accordée en partie")
        REFUSED = "refused", _("Refusée")
        WITHDRAWN = "withdrawn", _("Retirée")

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="proposals")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("objet"), max_length=200, validators=[single_line])
    amount_cents = models.PositiveBigIntegerField(_("montant demandé"))
    payee_kind = models.CharField(_("bénéficiaire"), max_length=10, choices=PayeeKind.choices)
    payee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payee_place = models.ForeignKey(
        "places.Place",
        verbose_name=_("lieu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payee_name = models.CharField(
        _("prestataire"), max_length=200, blank=True, validators=[single_line]
    )
    justification = models.TextField(_("justification"), help_text=_("Markdown accepté."))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="circle_proposals",
    )
    # A double submission (double click, replayed form) carries the same key and creates nothing.
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposition de dépense")
        verbose_name_plural = _("propositions de dépense")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="proposal_amount_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(payee_kind="person", payee_user__isnull=False)
                    | Q(payee_kind="place", payee_place__isnull=False)
                    | (Q(payee_kind="provider") & ~Q(payee_name=""))
                ),
                name="proposal_payee_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalDocument(models.Model):
    """A document attached to a proposal (quote, programme…)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    # Private: served only by a view that checks who may see the proposal.
    file = models.FileField(
        _("fichier"), upload_to="circles/proposals/%Y/%m/", storage=private_storage
    )
    name = models.CharField(_("nom"), max_length=200, validators=[single_line])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# --- regulation meetings ------------------------------------------------------------------------


class Meeting(models.Model):
    """A regulation meeting: an agenda of proposals (and role requests), attendance, decisions."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Prévue")
        OPEN = "open", _("En cours")
        CLOSED = "closed", _("Clôturée")
        CANCELLED = "cancelled", _("Annulée")

    circle = models.ForeignKey(Circle, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("titre"), max_length=200, validators=[single_line])
    starts_at = models.DateTimeField(_("date et heure"))
    location = models.CharField(_("lieu ou lien"), max_length=300, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    notes = models.TextField(_("notes de séance"), blank=True, help_text=_("Markdown accepté."))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réunion de régulation")
        verbose_name_plural = _("réunions de régulation")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class AgendaItem(models.Model):
    """One point of a meeting's agenda: a proposal, a role request, or a decision to revise."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    role_request = models.ForeignKey(
        RoleRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    # Set when the point revises an earlier decision (only a later meeting may).
    revises = models.ForeignKey(
        "Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="revision_items"
    )

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["meeting_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False) | Q(role_request__isnull=False),
                name="agenda_item_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return str(self.proposal or self.role_request)


class Attendance(models.Model):
    """Who was present at a meeting (only the circle's members count towards the quorum)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendance"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting}"


class Decision(models.Model):
    """What a meeting decided on one agenda point. Never edited: a later meeting supersedes it."""

    class Method(models.TextChoices):
        CONSENT = "consent", _("Consentement")
        VOTE = "vote", _("Vote")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adoptée")
        REJECTED = "rejected", _("Rejetée")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    role_request = models.ForeignKey(
        RoleRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    method = models.CharField(_("mode de décision"), max_length=8, choices=Method.choices)
    outcome = models.CharField(_("issue"), max_length=8, choices=Outcome.choices)
    amount_granted_cents = models.PositiveBigIntegerField(_("montant accordé"), default=0)
    # The envelope the grant is drawn from (earmarks decide which envelopes may pay an action).
    envelope = models.ForeignKey(
        Envelope, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    votes_for = models.PositiveSmallIntegerField(_("pour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("contre"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    present_count = models.PositiveSmallIntegerField(_("présents"), default=0)
    members_count = models.PositiveSmallIntegerField(_("membres du cercle"), default=0)
    rationale = models.TextField(_("motifs"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("révise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False) | Q(role_request__isnull=False),
                name="decision_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(outcome="adopted") | Q(amount_granted_cents=0),
                name="rejected_decision_grants_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.proposal or self.role_request}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ImmutableRecord("Decisions are never edited: a later meeting supersedes them.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("Decisions are never deleted: a later meeting supersedes them.")


class Vote(models.Model):
    """One member's vote on a decision taken by vote."""

    class Choice(models.TextChoices):
        FOR = "for", _("Pour")
        AGAINST = "against", _("Contre")
        ABSTAIN = "abstain", _("Abstention")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="one_vote_per_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.user} : {self.choice}"


class Objection(models.Model):
    """An objection raised during a decision by consent (a blocking one prevents consent)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="objections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    blocking = models.BooleanField(_("bloquante"), default=False)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.user} : {self.text[:40]}"


# --- expenses ---------------------------------------------------------------------------------


class Expense(models.Model):
    """Spending of a granted proposal; approved by a soucieux·se (never the payee), then paid."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("À valider")
        PAID = "paid", _("Validée et payée")
        REJECTED = "rejected", _("Refusée")
        # A paid expense corrected afterwards: a reversing transfer gave the money back to the
        # circle, and the granted remainder is available again.
        REVERSED = "reversed", _("Paiement contrepassé")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="expenses")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="expenses")
    amount_cents = models.PositiveBigIntegerField(_("montant"))
    description = models.CharField(_("objet"), max_length=250, validators=[single_line])
    receipt = models.FileField(
        _("justificatif"), upload_to="circles/receipts/%Y/%m/", blank=True, storage=private_storage
    )
    payee_kind = models.CharField(_("bénéficiaire"), max_length=10, choices=PayeeKind.choices)
    payee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_name = models.CharField(
        _("prestataire"), max_length=200, blank=True, validators=[single_line]
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(_("contrepassée le"), null=True, blank=True)
    reversal_reason = models.TextField(_("motif de la contrepassation"), blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="expense_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.description
