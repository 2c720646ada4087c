"""The commons catalogue: open resources that lead to action — how to take them up, the places
that use them, and above all the people to call."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.lib.french_stem import tokens
from maillage.lib.storage import private_storage


class Nature(models.TextChoices):
    TOOL = "tool", _("Outil numérique")
    METHOD = "method", _("Méthode ou guide")
    COMMUNITY = "community", _("Communauté d'entraide")
    LEGAL = "legal", _("Modèle juridique")
    TRAINING = "training", _("Formation")
    HARDWARE = "hardware", _("Matériel ou plans ouverts")
    OTHER = "other", _("Autre")


class Action(models.TextChoices):
    """What a commons helps a place do (the Fabrique à communs' five verbs)."""

    MANAGE = "gerer", _("Gérer")
    DEVELOP = "developper", _("Développer")
    WORK = "travailler", _("Travailler")
    ANIMATE = "animer", _("Animer")
    DOCUMENT = "documenter", _("Documenter")


class Domain(models.TextChoices):
    GOVERNANCE = "gouvernance", _("Gouvernance")
    ECONOMY = "economie", _("Modèle économique")
    ACCOUNTING = "comptabilite", _("Comptabilité et gestion")
    COMMUNICATION = "communication", _("Communication")
    BOOKING = "reservation", _("Réservation et accueil")
    MAPPING = "cartographie", _("Cartographie")
    MAKING = "fabrication", _("Fabrication")
    KNOWLEDGE = "connaissances", _("Partage de connaissances")
    EVENTS = "evenements", _("Événements")
    COLLABORATION = "collaboration", _("Travail collaboratif")


def stems_of(commons: "Commons") -> str:
    """The stems of a commons' name, texts and domain labels, as " a b c " (space-bounded, so a
    prefix search is `" " + stem in stems`)."""
    labels = [str(Domain(d).label) for d in commons.domains if d in Domain.values]
    text = " ".join(
        [commons.name, commons.summary, commons.description, commons.how_to_start, *labels]
    )
    # Actions and domains as markers ("a:gerer", "d:comptabilite"): stems never hold a colon.
    markers = [f"a:{a}" for a in commons.actions] + [f"d:{d}" for d in commons.domains]
    return " " + " ".join([*dict.fromkeys(tokens(text)), *markers]) + " "


class Commons(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=160, unique=True)
    summary = models.CharField(_("en une phrase"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    how_to_start = models.TextField(
        _("comment s'en saisir"),
        blank=True,
        help_text=_("Les premiers pas : par où commencer, combien de temps, avec quelle aide."),
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    licence = models.CharField(
        _("licence"),
        max_length=40,
        help_text=_("Identifiant SPDX (AGPL-3.0, CC-BY-SA-4.0…)."),
    )
    actions = models.JSONField(_("actions"), default=list, blank=True)
    domains = models.JSONField(_("domaines"), default=list, blank=True)
    website = models.URLField(_("site web"), blank=True)
    # The network whose guides curate the entry (a commons itself belongs to its community).
    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.PROTECT,
        related_name="commons",
        verbose_name=_("réseau qui le référence"),
    )
    is_published = models.BooleanField(_("publié"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # " stem stem … ": the French stems of its texts, kept on save so that searching and ranking
    # read them instead of stemming the whole catalogue at each request.
    search_stems = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("commun")
        verbose_name_plural = _("communs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_stems = stems_of(self)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_stems"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("commons:detail", args=[self.slug])

    def action_labels(self) -> list[tuple[str, str]]:
        return [(a, str(Action(a).label)) for a in self.actions if a in Action.values]

    def domain_labels(self) -> list[tuple[str, str]]:
        return [(d, str(Domain(d).label)) for d in self.domains if d in Domain.values]


class Link(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", _("Sources")
        DOCUMENTATION = "documentation", _("Documentation")
        COMMUNITY = "community", _("Communauté (forum, salon)")
        OTHER = "other", _("Autre")

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    url = models.URLField(_("adresse"))
    label = models.CharField(_("libellé"), max_length=150, blank=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.url


class Maintainer(models.Model):
    """Who keeps the commons alive: a person or a place (one of the two)."""

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="maintainers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(
        _("nom"), max_length=150, blank=True, help_text=_("Une structure hors de Maillage.")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False)
                | models.Q(place__isnull=False)
                | ~models.Q(name=""),
                name="maintainer_names_someone",
            )
        ]

    def __str__(self) -> str:
        return str(self.place or self.name or self.user)


class Contact(models.Model):
    """A person to call about the commons — who said so themselves (their consent), with what
    they can help with. Withdrawing deletes the row."""

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commons_contacts"
    )
    helps_with = models.CharField(_("ce pour quoi je peux aider"), max_length=300)
    consented_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commons", "user"], name="one_contact_per_person")
        ]
        ordering = ["consented_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.commons}"


class Usage(models.Model):
    """A place declares that it uses the commons (by one of its managers)."""

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="usages")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    since = models.DateField(_("depuis"), null=True, blank=True)
    testimonial = models.TextField(_("témoignage"), max_length=1000, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commons", "place"], name="one_usage_per_place")
        ]
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"{self.place} → {self.commons}"


class Contribution(models.Model):
    """The log of what was given to the commons: it shows a living community."""

    class Kind(models.TextChoices):
        CODE = "code", _("Code ou plans")
        DOCUMENTATION = "documentation", _("Documentation")
        TRANSLATION = "translation", _("Traduction")
        ANIMATION = "animation", _("Animation, formation")
        FUNDING = "funding", _("Financement")
        FEEDBACK = "feedback", _("Retour d'usage")
        OTHER = "other", _("Autre")

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="contributions")
    kind = models.CharField(_("nature"), max_length=15, choices=Kind.choices)
    summary = models.CharField(_("ce qui a été fait"), max_length=300)
    happened_on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return self.summary


# --- Aiguillage: orientation requests, answered by guides, followed up at 30 and 90 days -------


class Maturity(models.TextChoices):
    IDEA = "idea", _("Une idée")
    PROJECT = "project", _("En projet")
    YOUNG = "young", _("Ouvert depuis moins de 2 ans")
    ESTABLISHED = "established", _("Installé")


class OrientationRequest(models.Model):
    """Someone's need, in their own words, waiting for a guide of the right network."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Adresse à confirmer")
        NEW = "new", _("Nouvelle")
        CLAIMED = "claimed", _("Prise en charge")
        ANSWERED = "answered", _("Orientée")
        CLOSED = "closed", _("Terminée")

    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="orientation_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orientation_requests",
    )
    name = models.CharField(_("votre nom"), max_length=150, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    # The secret of the links sent by e-mail: verification, the orientation page, follow-ups.
    token = models.CharField(max_length=43, unique=True)
    need = models.TextField(_("votre besoin"), max_length=3000)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, blank=True)
    domain = models.CharField(_("domaine"), max_length=15, choices=Domain.choices, blank=True)
    commune = models.ForeignKey(
        "territory.Commune", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    maturity = models.CharField(_("où en êtes-vous ?"), max_length=12, choices=Maturity.choices)
    team_skills = models.CharField(_("compétences dans l'équipe"), max_length=500, blank=True)
    time_available = models.CharField(_("temps disponible"), max_length=200, blank=True)
    budget = models.CharField(_("budget possible"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guided_requests",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.need[:60]

    def get_absolute_url(self) -> str:
        return reverse("commons:request-detail", args=[self.pk])

    @property
    def contact_email(self) -> str:
        return self.requester.email if self.requester else self.email

    @property
    def display_name(self) -> str:
        if self.requester:
            return self.requester.public_name
        return self.name or self.email


class Suggestion(models.Model):
    """One thing a guide points the requester to: a commons, a person to call, or a place."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("À décider")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")

    request = models.ForeignKey(
        OrientationRequest, on_delete=models.CASCADE, related_name="suggestions"
    )
    commons = models.ForeignKey(
        Commons, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A person of the skills directory, by the skill the guide saw (visible to the requester).
    skill = models.ForeignKey(
        "accounts.Skill",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("pourquoi"), max_length=300, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    # An introduction needs both consents: the requester's (decision) and the person's.
    contact_consent = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    introduced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commons__isnull=False)
                | models.Q(contact__isnull=False)
                | models.Q(place__isnull=False)
                | models.Q(skill__isnull=False),
                name="suggestion_points_somewhere",
            )
        ]

    def __str__(self) -> str:
        return str(self.commons or self.contact or self.place or self.skill)

    @property
    def person(self) -> Any:
        """The person to introduce: a commons' contact or someone of the skills directory."""
        if self.contact is not None:
            return self.contact.user
        if self.skill is not None:
            return self.skill.user
        return None

    @property
    def topic(self) -> str:
        """What the introduction is about: the commons, or the skill."""
        if self.contact is not None:
            return self.contact.commons.name
        return self.skill.name if self.skill is not None else ""

    @property
    def helps_with(self) -> str:
        if self.contact is not None:
            return self.contact.helps_with
        if self.skill is not None:
            return " — ".join(part for part in (self.skill.name, self.skill.description) if part)
        return ""


class FollowUp(models.Model):
    """A check-in at 30 or 90 days after the orientation, answered in one click."""

    class Answer(models.TextChoices):
        YES = "yes", _("Oui")
        PARTLY = "partly", _("En partie")
        NO = "no", _("Non")

    request = models.ForeignKey(
        OrientationRequest, on_delete=models.CASCADE, related_name="follow_ups"
    )
    after_days = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=6, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    guide_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["request", "after_days"], name="one_follow_up_per_mark")
        ]

    def __str__(self) -> str:
        return f"J+{self.after_days}"


# --- Qualification grids: how easy a commons is to take up, judged by guides ----------------


class Grid(models.Model):
    """A network's grid for one nature of commons. Grids are versioned: a change makes a new
    version, and the qualifications made with the old one keep it."""

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    version = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network", "nature", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "nature", "version"], name="one_grid_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} v{self.version}"


class Criterion(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("critère"), max_length=150)
    # From the least to the most demanding or favourable level, as the grid's author wrote them.
    levels = models.JSONField(_("niveaux"))

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class Qualification(models.Model):
    """One guide's reading of a commons with one grid version. Never edited: a new one
    supersedes it."""

    commons = models.ForeignKey(Commons, on_delete=models.CASCADE, related_name="qualifications")
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="qualifications")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # criterion id (as text) → index of the level chosen
    answers = models.JSONField()
    note = models.TextField(_("commentaire"), max_length=2000, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.commons} ({self.grid})"


class Question(models.Model):
    """A question about needs and uses, before tools; its answer links commons, people to call
    and places."""

    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("domaine"), max_length=15, choices=Domain.choices)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("réponse"), max_length=5000)
    commons = models.ManyToManyField(Commons, blank=True, related_name="questions")
    contacts = models.ManyToManyField(Contact, blank=True, related_name="+")
    places = models.ManyToManyField("places.Place", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["domain", "question"]

    def __str__(self) -> str:
        return self.question


# --- Co-funding campaigns: pledges called when due, money held and paid out in the ledger ----


class CampaignReason(models.TextChoices):
    """The ledger reasons of campaign transfers (registered in apps.py)."""

    RECEIPT = "campaign_receipt", _("Versement à une campagne")
    MATCH = "campaign_match", _("Abondement d'une campagne")
    PAYOUT = "campaign_payout", _("Dépense d'une campagne")
    SEED = "campaign_seed", _("Budget d'amorçage d'un défi, versé à un cercle")


class CampaignAccountKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campagne de cofinancement")
    NETWORK = "contrib_net", _("Réseau contributeur")


class Campaign(models.Model):
    """A co-funding campaign for a commons, or for an *appel à communs* (no commons)."""

    class Kind(models.TextChoices):
        ALL_OR_NOTHING = "all", _("Tout ou rien")
        KEEP = "keep", _("On garde ce qui est collecté")

    class Status(models.TextChoices):
        OPEN = "open", _("Ouverte")
        SUCCEEDED = "succeeded", _("Réussie : promesses appelées")
        FAILED = "failed", _("Objectif non atteint")

    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("réseau qui la porte"),
    )
    commons = models.ForeignKey(
        Commons,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("commun"),
    )
    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse"), max_length=160, unique=True)
    description = models.TextField(_("présentation"), max_length=5000, blank=True)
    pays_for = models.TextField(
        _("ce que l'argent paie"),
        max_length=2000,
        help_text=_("Rétribution des contributeurs, budgets d'amorçage des défis…"),
    )
    kind = models.CharField(_("règle"), max_length=4, choices=Kind.choices)
    goal_cents = models.BigIntegerField(_("objectif"))
    min_goal_cents = models.BigIntegerField(_("objectif minimum"))
    max_goal_cents = models.BigIntegerField(_("plafond"))
    secured_cents = models.BigIntegerField(_("déjà acquis"), default=0)
    secured_note = models.CharField(
        _("d'où vient l'argent déjà acquis"), max_length=250, blank=True
    )
    deadline = models.DateTimeField(_("date limite"))
    match_funder = models.CharField(_("abondement : qui double"), max_length=150, blank=True)
    match_cap_cents = models.BigIntegerField(_("abondement : plafond"), default=0)
    hour_rate_cents = models.PositiveIntegerField(
        _("valeur d'une heure donnée"),
        default=2000,
        help_text=_("Comme le bénévolat valorisé : les heures sont montrées, pas encaissées."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_goal_cents__gt=0)
                & models.Q(min_goal_cents__lte=models.F("goal_cents"))
                & models.Q(goal_cents__lte=models.F("max_goal_cents"))
                & models.Q(max_goal_cents__lte=100_000_000),
                name="campaign_goals_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(secured_cents__gte=0) & models.Q(match_cap_cents__gte=0),
                name="campaign_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commons:campaign-detail", args=[self.slug])


class Pledge(models.Model):
    """A promise to a campaign: money (called when due) and/or hours (in kind, never cashed)."""

    class By(models.TextChoices):
        PLACE = "place", _("Un lieu")
        NETWORK = "network", _("Un réseau")
        PERSON = "person", _("Une personne")
        FUNDER = "funder", _("Un financeur")

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Promis")
        CALLED = "called", _("Appelé")
        RECEIVED = "received", _("Reçu")
        CANCELLED = "cancelled", _("Annulé (objectif non atteint)")
        REFUNDED = "refunded", _("Remboursé")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    by_kind = models.CharField(_("au nom de"), max_length=8, choices=By.choices)
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pledging_network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    funder_name = models.CharField(_("financeur"), max_length=150, blank=True)
    # Who made the promise (a manager, a coordinator, the person themself).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="pledges"
    )
    amount_cents = models.BigIntegerField(_("montant"), default=0)
    hours = models.PositiveIntegerField(_("heures données"), default=0)
    anonymous = models.BooleanField(_("anonyme"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLEDGED)
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0)
                & models.Q(amount_cents__lte=100_000_000)
                & (models.Q(amount_cents__gt=0) | models.Q(hours__gt=0)),
                name="pledge_gives_something",
            )
        ]

    def __str__(self) -> str:
        return f"{self.public_name} → {self.campaign}"

    @property
    def public_name(self) -> str:
        if self.anonymous:
            return str(_("Anonyme"))
        return self.name

    @property
    def name(self) -> str:
        if self.by_kind == self.By.PLACE and self.place is not None:
            return self.place.name
        if self.by_kind == self.By.NETWORK and self.pledging_network is not None:
            return self.pledging_network.name
        if self.by_kind == self.By.FUNDER:
            return self.funder_name
        return self.user.public_name if self.user else str(_("Compte supprimé"))


class Receipt(models.Model):
    """Money of a pledge that arrived (bank transfer or an outside payment's reference)."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Virement bancaire")
        EXTERNAL = "external", _("Paiement extérieur (référence)")

    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="receipt")
    amount_cents = models.BigIntegerField(_("montant reçu"))
    # What the matching fund added for it (0 without matching or once the cap is reached).
    matched_cents = models.BigIntegerField(default=0)
    method = models.CharField(_("moyen"), max_length=8, choices=Method.choices)
    reference = models.CharField(_("référence"), max_length=120)
    received_on = models.DateField(_("reçu le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0) & models.Q(matched_cents__gte=0),
                name="receipt_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Payout(models.Model):
    """A payout from a campaign's money: requested with a receipt, approved by a coordinator
    who neither requested it nor receives it, then paid through the ledger."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("À valider")
        PAID = "paid", _("Validée et payée")
        REJECTED = "rejected", _("Refusée")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="payouts")
    amount_cents = models.BigIntegerField(_("montant"))
    description = models.CharField(_("ce qui est payé"), max_length=250)
    payee_name = models.CharField(_("bénéficiaire"), max_length=150)
    payee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("bénéficiaire inscrit·e"),
    )
    receipt = models.FileField(
        _("justificatif"), upload_to="commons/payouts/%Y/%m/", storage=private_storage
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="payout_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return self.description


class SeedBudget(models.Model):
    """A seed budget (about 2,000 €) a campaign pays to the people driving a challenge (*défi*).
    Granted once the campaign succeeded and holds the money: it leaves the campaign's account
    and becomes an envelope of the chosen circle's budget, then is spent through that circle's
    proposals and expenses."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="seed_budgets")
    challenge = models.CharField(_("le défi"), max_length=200)
    holder_name = models.CharField(_("qui porte le défi"), max_length=150)
    amount_cents = models.BigIntegerField(_("montant"), default=200_000)
    circle = models.ForeignKey(
        "circles.Circle",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cercle qui gère le budget"),
    )
    # The circle's envelope once granted (the ledger's transfers cite this seed budget).
    envelope = models.OneToOneField(
        "circles.Envelope", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget d'amorçage")
        verbose_name_plural = _("budgets d'amorçage")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0) & models.Q(amount_cents__lte=100_000_000),
                name="seed_budget_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return self.challenge


# --- Places' priority needs: posted by a place, supported by others, ranked for the next call --


class PriorityNeed(models.Model):
    """A place's priority need, posted by one of its managers in one of its networks. Other
    places support it; the most supported open needs feed the network's next call for
    commons."""

    network = models.ForeignKey(
        "networks.Network",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("réseau"),
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.CASCADE, related_name="+", verbose_name=_("lieu")
    )
    title = models.CharField(_("le besoin, en une phrase"), max_length=200)
    details = models.TextField(_("précisions"), max_length=2000, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices, blank=True)
    domain = models.CharField(_("domaine"), max_length=15, choices=Domain.choices, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the place withdraws it (met, or no longer a priority): it leaves the ranking.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("besoin prioritaire")
        verbose_name_plural = _("besoins prioritaires")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NeedSupport(models.Model):
    """A place supports another place's need (through one of its managers), once."""

    need = models.ForeignKey(PriorityNeed, on_delete=models.CASCADE, related_name="supports")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    supported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "place"], name="one_support_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.place} → {self.need}"
