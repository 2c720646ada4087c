"""The network's services: its catalogue (trainings, thematic support, shared purchasing…), the
cercle des accompagnements (professionals reviewed by the network), support requests routed to
peers first, then professionals, then services; peer programmes (codéveloppement groups,
compagnonnage), project holders followed until their place opens, and what makes places similar.

Sessions of a training or of a codev group are events of `maillage.events`, created through its
services: they are only referred to here.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.places.audiences import PeerAudience


class Topic(models.TextChoices):
    """What a place may need help on: the specialities of professionals, the topics of requests,
    the experiences peers declare."""

    BUSINESS_MODEL = "modele-economique", _("Modèle économique")
    GOVERNANCE = "gouvernance", _("Gouvernance")
    LEGAL = "juridique", _("Juridique")
    FUNDING = "financement", _("Financements")
    REAL_ESTATE = "immobilier", _("Immobilier et travaux")
    FACILITATION = "animation", _("Animation de communauté")
    DIGITAL = "numerique", _("Numérique")
    BIDS = "appels", _("Répondre à un appel à projets")
    COMMUNICATION = "communication", _("Communication")


class ServiceKind(models.TextChoices):
    TRAINING = "training", _("Formation")
    SUPPORT = "support", _("Accompagnement thématique")
    PURCHASING = "purchasing", _("Achats groupés")
    INSURANCE = "insurance", _("Assurance")
    LEGAL = "legal", _("Aide juridique")
    COMMUNICATION = "communication", _("Communication")
    BIDS = "bids", _("Montage de dossiers")
    OTHER = "other", _("Autre")


class ServiceAudience(models.TextChoices):
    MEMBERS = "members", _("Lieux adhérents")
    ANYONE = "anyone", _("Tout le monde")
    HOLDERS = "holders", _("Porteurs de projets")


class DeliveredBy(models.TextChoices):
    TEAM = "team", _("L'équipe du réseau")
    PROFESSIONAL = "professional", _("Un·e professionnel·le du cercle")
    PLACE = "place", _("Un lieu adhérent")


class Service(models.Model):
    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="+", verbose_name=_("réseau")
    )
    kind = models.CharField(_("nature"), max_length=15, choices=ServiceKind.choices)
    title = models.CharField(_("intitulé"), max_length=150)
    slug = models.SlugField(max_length=170, unique=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    topics = models.JSONField(_("thèmes"), default=list, blank=True)
    audience = models.CharField(_("pour qui"), max_length=10, choices=ServiceAudience.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    price_member_cents = models.PositiveIntegerField(_("prix adhérents"), null=True, blank=True)
    price_other_cents = models.PositiveIntegerField(_("prix autres"), null=True, blank=True)
    delivered_by = models.CharField(_("assuré par"), max_length=15, choices=DeliveredBy.choices)
    accompanist = models.ForeignKey(
        "Accompanist", null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("capacité (par an)"), null=True, blank=True)
    how_to_ask = models.TextField(_("comment le demander"))
    # What a French training organisation must publish (Qualiopi).
    objectives = models.TextField(_("objectifs pédagogiques"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    duration_hours = models.PositiveSmallIntegerField(_("durée (heures)"), null=True, blank=True)
    methods = models.TextField(_("méthodes pédagogiques"), blank=True)
    evaluation = models.TextField(_("modalités d'évaluation"), blank=True)
    accessibility = models.TextField(_("accessibilité aux personnes handicapées"), blank=True)
    certification_number = models.CharField(
        _("numéro de déclaration d'activité"), max_length=40, blank=True
    )
    is_published = models.BooleanField(_("publié"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service")
        ordering = ["network", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("services:service-detail", args=[self.slug])

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]


class ServiceSession(models.Model):
    """A session of a training: an event of the agenda (dates, registration, waiting list)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sessions")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event__starts_at"]

    def __str__(self) -> str:
        return f"{self.service} — {self.event_id}"


# --- Cercle des accompagnements ----------------------------------------------------------------


class Accompanist(models.Model):
    class Kind(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant·e")
        COOPERATIVE = "cooperative", _("Coopérative")
        DLA = "dla", _("Chargé·e de mission DLA")
        FACILITATOR = "facilitator", _("Facilitateur·rice")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Candidature déposée")
        ACCEPTED = "accepted", _("Membre du cercle")
        REFUSED = "refused", _("Refusée")
        WITHDRAWN = "withdrawn", _("Retirée")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Disponible")
        LIMITED = "limited", _("Disponibilités limitées")
        UNAVAILABLE = "unavailable", _("Indisponible pour l'instant")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accompanist_profiles"
    )
    name = models.CharField(_("nom ou structure"), max_length=150)
    kind = models.CharField(_("vous êtes"), max_length=12, choices=Kind.choices)
    bio = models.TextField(_("présentation"), max_length=3000)
    specialities = models.JSONField(_("spécialités"), default=list)
    departments = models.JSONField(_("départements couverts"), default=list, blank=True)
    communes = models.ManyToManyField("territory.Commune", blank=True, related_name="+")
    formats = models.JSONField(_("formats"), default=list, blank=True)
    rates = models.CharField(_("tarifs"), max_length=300)
    day_rate_cents = models.PositiveIntegerField(_("tarif journée"), null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    availability = models.CharField(
        _("disponibilité"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    availability_note = models.CharField(_("précision"), max_length=200, blank=True)
    ethics_signed_at = models.DateTimeField(_("charte éthique signée le"), null=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("accompagnateur·rice")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_profile_per_network")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:accompanist-detail", args=[self.pk])

    def speciality_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.specialities if t in Topic.values]

    def format_labels(self) -> list[str]:
        labels = dict(FORMATS)
        return [str(labels[f]) for f in self.formats if f in labels]


FORMATS = [
    ("individual", _("Individuel")),
    ("collective", _("Collectif")),
    ("on_site", _("Sur place")),
    ("remote", _("À distance")),
]


class Reference(models.Model):
    """A place an accompanist supported: shown only once the place consented."""

    class Consent(models.TextChoices):
        PENDING = "pending", _("En attente")
        GIVEN = "given", _("Accordé")
        REFUSED = "refused", _("Refusé")

    accompanist = models.ForeignKey(
        Accompanist, on_delete=models.CASCADE, related_name="references"
    )
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("ce qui a été fait"), max_length=300)
    year = models.PositiveSmallIntegerField(_("année"))
    consent = models.CharField(max_length=8, choices=Consent.choices, default=Consent.PENDING)
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["accompanist", "place"], name="one_reference_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.accompanist} → {self.place}"


class Answer3(models.TextChoices):
    YES = "yes", _("Oui")
    PARTLY = "partly", _("En partie")
    NO = "no", _("Non")


class Rating(models.Model):
    """A place's structured opinion after an accompaniment. Private to the network's team and
    only ever shown aggregated (and not below MIN_RATINGS)."""

    accompanist = models.ForeignKey(Accompanist, on_delete=models.CASCADE, related_name="ratings")
    request = models.ForeignKey(
        "SupportRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    understood = models.CharField(
        _("vos besoins ont-ils été compris ?"), max_length=6, choices=Answer3.choices
    )
    useful = models.CharField(
        _("l'accompagnement vous a-t-il été utile ?"), max_length=6, choices=Answer3.choices
    )
    frame_kept = models.CharField(
        _("délais et budget ont-ils été tenus ?"), max_length=6, choices=Answer3.choices
    )
    recommend = models.CharField(
        _("le ou la recommanderiez-vous ?"), max_length=6, choices=Answer3.choices
    )
    comment = models.TextField(
        _("commentaire pour l'équipe du réseau"), max_length=2000, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["accompanist", "by", "request"], name="one_rating_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accompanist} ({self.created_at:%Y-%m-%d})"


# --- Peers: what a place has been through, what makes places similar ---------------------------


class PeerProfile(models.Model):
    """What a place offers its peers: the topics it went through, whether it welcomes project
    holders and would pair with a new place; its opening year (the directory has none)."""

    place = models.OneToOneField("places.Place", on_delete=models.CASCADE, related_name="+")
    experiences = models.JSONField(_("ce que nous avons déjà traversé"), default=list, blank=True)
    experience_note = models.CharField(_("en quelques mots"), max_length=500, blank=True)
    welcomes_holders = models.BooleanField(
        _("nous accueillons des porteurs de projets"), default=False
    )
    mentor_available = models.BooleanField(
        _("nous pouvons accompagner un nouveau lieu"), default=False
    )
    opened_year = models.PositiveSmallIntegerField(_("année d'ouverture"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.place)


class PlaceExperience(models.Model):
    """One topic a place went through, as a row (the ranking reads it by topic)."""

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=20, choices=Topic.choices, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "topic"], name="one_experience_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.place} : {self.topic}"


class PlaceFeatures(models.Model):
    """What similarity reads, kept in step with the directory (place_changed): bit masks of the
    place's types, kinds of spaces and categories of equipment, its total surface, its
    commune's population and position, its age."""

    place = models.OneToOneField(
        "places.Place", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    types_mask = models.BigIntegerField(default=0)
    spaces_mask = models.BigIntegerField(default=0)
    equipment_mask = models.BigIntegerField(default=0)
    # How many bits each mask holds, and rural (0) / small town (1) / urban (2): what the
    # database needs to score every place in one statement.
    types_count = models.PositiveSmallIntegerField(default=0)
    spaces_count = models.PositiveSmallIntegerField(default=0)
    equipment_count = models.PositiveSmallIntegerField(default=0)
    # The economic model as the directory shows it (similar.MODEL_BITS): spaces rented, a
    # members' price, equipment lent for a fee, free or paid access, the legal form if imported.
    model_mask = models.BigIntegerField(default=0)
    model_count = models.PositiveSmallIntegerField(default=0)
    settlement = models.PositiveSmallIntegerField(default=0)
    surface_m2 = models.PositiveIntegerField(default=0)
    size_class = models.PositiveSmallIntegerField(default=0, db_index=True)
    population = models.PositiveIntegerField(default=0)
    opened_year = models.PositiveSmallIntegerField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    is_published = models.BooleanField(default=True)

    def __str__(self) -> str:
        return str(self.place_id)


# --- Support requests --------------------------------------------------------------------------


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Nouvelle")
        PROPOSED = "proposed", _("Aides proposées")
        TAKEN = "taken", _("Prise en charge")
        CLOSED = "closed", _("Clôturée")
        LAPSED = "lapsed", _("Sans suite")

    class Outcome(models.TextChoices):
        SOLVED = "solved", _("Besoin couvert")
        PARTLY = "partly", _("En partie couvert")
        NOT_SOLVED = "not_solved", _("Non couvert")
        ABANDONED = "abandoned", _("Abandonnée par le demandeur")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_requests"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    holder = models.ForeignKey(
        "ProjectHolder", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    commune = models.ForeignKey(
        "territory.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(_("sujet"), max_length=20, choices=Topic.choices)
    description = models.TextField(_("votre besoin"), max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_requests",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    first_proposed_at = models.DateTimeField(null=True, blank=True)
    first_taken_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("ce qui s'est passé"), max_length=2000, blank=True)
    time_spent_minutes = models.PositiveIntegerField(
        _("temps passé (minutes)"), null=True, blank=True
    )
    answered_by_kind = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} — {self.description[:50]}"

    def get_absolute_url(self) -> str:
        return reverse("services:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.LAPSED)


class HelperKind(models.TextChoices):
    PEER_PLACE = "peer_place", _("Lieu pair")
    PEER_PERSON = "peer_person", _("Personne du réseau")
    PROFESSIONAL = "professional", _("Professionnel·le")
    SERVICE = "service", _("Service du réseau")


class Proposal(models.Model):
    """A helper proposed on a request; they answer from the signed link of their e-mail."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        STUDYING = "studying", _("À l'étude")
        TAKEN = "taken", _("Prise en charge")
        DONE = "done", _("Terminée")
        DECLINED = "declined", _("Pas pour moi")
        LAPSED = "lapsed", _("Sans suite")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="proposals")
    kind = models.CharField(max_length=12, choices=HelperKind.choices)
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_proposals",
    )
    accompanist = models.ForeignKey(
        Accompanist, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    reason = models.CharField(_("pourquoi"), max_length=300)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    helper_note = models.CharField(_("un mot"), max_length=500, blank=True)
    volunteer_minutes = models.PositiveIntegerField(
        _("temps bénévole (minutes)"), null=True, blank=True
    )
    # A peer's help declared as volunteer time (governance's hours, validated as usual).
    volunteer_logged_at = models.DateTimeField(null=True, blank=True)
    # A peer's help put to a circle's budget: the spending proposal filed with the circle (its
    # decision and the expense paid through the ledger are the circle's, read by selectors).
    payment_circle_id = models.PositiveIntegerField(null=True, blank=True)
    payment_proposal_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(place__isnull=False)
                | models.Q(person__isnull=False)
                | models.Q(accompanist__isnull=False)
                | models.Q(service__isnull=False),
                name="proposal_names_a_helper",
            )
        ]

    def __str__(self) -> str:
        return str(self.helper)

    @property
    def helper(self) -> object:
        return self.place or self.person or self.accompanist or self.service

    @property
    def helper_name(self) -> str:
        if self.person is not None:
            return self.person.public_name
        return str(self.helper)

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.STUDYING, self.Status.TAKEN)


class Satisfaction(models.Model):
    """Asked at 30 and 90 days: structured questions, no stars."""

    class Contacted(models.TextChoices):
        YES = "yes", _("Oui")
        NO = "no", _("Non")

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="satisfactions"
    )
    after_days = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    contacted = models.CharField(
        _("avez-vous été contacté·e ?"), max_length=3, choices=Contacted.choices, blank=True
    )
    useful = models.CharField(
        _("cela vous a-t-il été utile ?"), max_length=6, choices=Answer3.choices, blank=True
    )
    acted = models.CharField(
        _("cela vous a-t-il fait avancer ?"), max_length=6, choices=Answer3.choices, blank=True
    )
    comment = models.CharField(_("un mot ?"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "after_days"], name="one_satisfaction_per_mark"
            )
        ]

    def __str__(self) -> str:
        return f"J+{self.after_days}"


# --- Peer programmes ---------------------------------------------------------------------------


class PeerGroup(models.Model):
    """A codéveloppement group: 5 to 8 people from different places and a facilitator."""

    class Status(models.TextChoices):
        FORMING = "forming", _("En constitution")
        RUNNING = "running", _("En cours")
        CLOSED = "closed", _("Terminé")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nom"), max_length=150)
    audience = models.CharField(
        _("réservé à"), max_length=6, choices=PeerAudience.choices, default=PeerAudience.ALL
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitateur·rice"),
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.FORMING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:group-detail", args=[self.pk])


class PeerGroupMember(models.Model):
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_seat_per_person"),
            models.UniqueConstraint(fields=["group", "place"], name="one_seat_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.place})"


CODEV_STEPS = [
    ("exposition", _("Exposé du problème par le client")),
    ("clarification", _("Questions de clarification")),
    ("contrat", _("Contrat : ce que le client attend")),
    ("consultation", _("Consultation : réactions et suggestions")),
    ("plan", _("Synthèse et plan d'action du client")),
    ("apprentissages", _("Apprentissages de chacun")),
]


class CodevSession(models.Model):
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.CharField(_("problème apporté"), max_length=500, blank=True)
    steps_done = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("notes (privées au groupe)"), max_length=10000, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_session_number")
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.number}"


class Pairing(models.Model):
    """Compagnonnage: an experienced place walks beside a new place or a project holder."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("En cours")
        CLOSED = "closed", _("Terminé")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    mentor_place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    mentee_place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mentee_holder = models.ForeignKey(
        "ProjectHolder", null=True, blank=True, on_delete=models.PROTECT, related_name="pairings"
    )
    goals = models.TextField(_("objectifs"), max_length=3000)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin prévue"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    closing_review = models.TextField(_("bilan"), max_length=5000, blank=True)
    goals_met = models.CharField(
        _("objectifs atteints ?"), max_length=6, choices=Answer3.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mentee_place__isnull=False)
                | models.Q(mentee_holder__isnull=False),
                name="pairing_has_a_mentee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_place} ↔ {self.mentee_name}"

    def get_absolute_url(self) -> str:
        return reverse("services:pairing-detail", args=[self.pk])

    @property
    def mentee_name(self) -> str:
        return str(self.mentee_place or self.mentee_holder)


class CheckIn(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="check_ins")
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("ce qui s'est dit"), max_length=3000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pairing} — {self.happened_on}"


# --- Project holders ---------------------------------------------------------------------------


class ProjectHolder(models.Model):
    class Stage(models.TextChoices):
        IDEA = "idea", _("Une idée, une envie")
        TEAM = "team", _("Une équipe se forme")
        VENUE = "venue", _("À la recherche d'un local")
        FINANCING = "financing", _("Montage financier")
        WORKS = "works", _("Travaux, aménagement")
        OPENING = "opening", _("Ouverture prochaine")

    class Status(models.TextChoices):
        FOLLOWED = "followed", _("Suivi")
        OPENED = "opened", _("Lieu ouvert")
        STOPPED = "stopped", _("Projet arrêté")

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project_name = models.CharField(_("nom du projet"), max_length=150)
    stage = models.CharField(_("où en êtes-vous ?"), max_length=10, choices=Stage.choices)
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    needs = models.JSONField(_("vos besoins"), default=list)
    description = models.TextField(_("votre projet"), max_length=3000)
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.FOLLOWED)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.project_name

    def get_absolute_url(self) -> str:
        return reverse("services:holder-detail", args=[self.pk])

    def need_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.needs if t in Topic.values]
