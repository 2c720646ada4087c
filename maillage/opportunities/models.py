"""Opportunities: the board of calls (calls for projects, AMI, tenders, grants, prizes), the
imports that fill it, the alerts people save, and the answers places build together."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.lib.storage import private_storage

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class Kind(models.TextChoices):
    CALL_FOR_PROJECTS = "aap", _("Appel à projets")
    AMI = "ami", _("Appel à manifestation d'intérêt")
    CALL_FOR_COMMONS = "communs", _("Appel à communs")
    TENDER = "marche", _("Marché public")
    GRANT = "subvention", _("Subvention")
    PRIZE = "prix", _("Prix ou trophée")


class Theme(models.TextChoices):
    DIGITAL = "numerique", _("Inclusion et médiation numérique")
    MAKING = "fabrication", _("Fabrication et réemploi")
    FOOD = "alimentation", _("Alimentation")
    CULTURE = "culture", _("Culture")
    EMPLOYMENT = "emploi", _("Emploi, formation, insertion")
    ECOLOGY = "transition", _("Transition écologique")
    SSE = "ess", _("Économie sociale et solidaire")
    YOUTH = "jeunesse", _("Jeunesse et éducation")
    HEALTH = "sante", _("Santé et lien social")
    MOBILITY = "mobilite", _("Mobilité")
    RURAL = "ruralite", _("Ruralité et revitalisation")
    COMMONS = "communs", _("Communs et coopération")


class Structure(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCIC = "scic", _("SCIC")
    SCOP = "scop", _("SCOP")
    COMPANY = "entreprise", _("Entreprise")
    LOCAL_AUTHORITY = "collectivite", _("Collectivité")
    PUBLIC_BODY = "etablissement", _("Établissement public")


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Régions, départements ou communes")


class Mode(models.TextChoices):
    COMPETITIVE = "competitive", _("Compétitif (lauréats choisis parmi les candidats)")
    COOPERATIVE = "cooperative", _("Coopératif (construit avec les candidats)")


class Call(models.Model):
    """One opportunity on the board. Amounts in cents; the deadline is an instant (Europe/Paris
    on the pages); `rolling`: no fixed deadline ("au fil de l'eau")."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposé, à modérer")
        PUBLISHED = "published", _("Publié")
        REFUSED = "refused", _("Refusé")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Saisi")
        RSS = "rss", _("Flux RSS/Atom")
        CSV = "csv", _("CSV")
        AIDES = "aides", _("JSON (catalogue d'aides)")
        BOAMP = "boamp", _("Avis de marchés (BOAMP)")

    title = models.CharField(_("intitulé"), max_length=300)
    slug = models.SlugField(_("adresse"), max_length=200, unique=True)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    funder = models.CharField(_("financeur ou acheteur"), max_length=300)
    summary = models.TextField(_("présentation"), blank=True)
    amount_min_cents = models.PositiveBigIntegerField(_("montant minimum"), null=True, blank=True)
    amount_max_cents = models.PositiveBigIntegerField(_("montant maximum"), null=True, blank=True)
    cofunding_rate = models.PositiveSmallIntegerField(
        _("taux de cofinancement (%)"), null=True, blank=True
    )
    deadline = models.DateTimeField(_("date limite"), null=True, blank=True, db_index=True)
    rolling = models.BooleanField(_("au fil de l'eau (sans date limite)"), default=False)
    limited_envelope = models.BooleanField(_("enveloppe limitée"), default=False)
    envelope_cents = models.PositiveBigIntegerField(_("enveloppe totale"), null=True, blank=True)
    scope = models.CharField(_("territoire"), max_length=10, choices=Scope.choices)
    region_codes = models.JSONField(_("régions"), default=list, blank=True)
    department_codes = models.JSONField(_("départements"), default=list, blank=True)
    commune_codes = models.JSONField(_("communes"), default=list, blank=True)
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    eligible = models.JSONField(_("structures éligibles"), default=list, blank=True)
    consortium_allowed = models.BooleanField(_("réponse à plusieurs possible"), default=True)
    mode = models.CharField(_("logique"), max_length=12, choices=Mode.choices)
    url = models.URLField(_("lien"), max_length=500, blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)
    required_pieces = models.JSONField(_("pièces demandées"), default=list, blank=True)
    network = models.ForeignKey(
        "networks.Network", on_delete=models.PROTECT, related_name="calls", verbose_name=_("réseau")
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    moderation_note = models.CharField(_("motif"), max_length=300, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    link_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    title_key = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["deadline", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:call-detail", args=[self.slug])

    @property
    def deadline_local(self) -> datetime.datetime | None:
        return self.deadline.astimezone(PARIS) if self.deadline else None

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.rolling or self.deadline is None or self.deadline > now

    def theme_labels(self) -> list[str]:
        return [str(Theme(t).label) for t in self.themes if t in Theme.values]

    def eligible_labels(self) -> list[str]:
        return [str(Structure(s).label) for s in self.eligible if s in Structure.values]


class CallDocument(models.Model):
    """A document of a call (rules, application form), checked by content and kept in the
    private storage: it is sent by a view to whoever may see the call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="files")
    label = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(
        _("fichier"), upload_to="opportunities/calls/%Y/%m/", storage=private_storage
    )
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document d'un appel")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper() if self.file.name else ""


class Feed(models.Model):
    """A URL polled periodically (RSS/Atom, aid-catalogue JSON, procurement notices)."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("adresse du flux"), max_length=500)
    format = models.CharField(_("format"), max_length=8, choices=Call.Source.choices)
    default_kind = models.CharField(
        _("nature par défaut"), max_length=12, choices=Kind.choices, default=Kind.CALL_FOR_PROJECTS
    )
    active = models.BooleanField(_("relevé automatiquement"), default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flux d'appels")
        constraints = [
            models.UniqueConstraint(fields=["network", "url"], name="opportunities_feed_unique")
        ]

    def __str__(self) -> str:
        return self.url


class ImportRun(models.Model):
    """A dry run of a file or feed, then (once looked at) its application."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Vérifié, à appliquer")
        APPLIED = "applied", _("Appliqué")
        FAILED = "failed", _("Illisible")

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)
    format = models.CharField(max_length=8, choices=Call.Source.choices)
    default_kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=500)
    content = models.TextField(editable=False)
    status = models.CharField(max_length=8, choices=Status.choices)
    error = models.CharField(max_length=500, blank=True)
    report = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A person follows a call: deadline reminders, and its deadline in their calendar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_follows"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="follows")
    reminded_days = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "call"], name="opportunities_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.call_id}"


class SavedSearch(models.Model):
    """An alert: the calls matching it are announced in-app and in a daily or weekly digest."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Chaque jour")
        WEEKLY = "weekly", _("Chaque semaine")
        NEVER = "never", _("Dans l'application seulement")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_alerts"
    )
    name = models.CharField(_("nom de l'alerte"), max_length=120)
    kinds = models.JSONField(_("natures"), default=list, blank=True)
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    department_codes = models.JSONField(_("départements"), default=list, blank=True)
    region_codes = models.JSONField(_("régions"), default=list, blank=True)
    amount_min_cents = models.PositiveBigIntegerField(_("montant au moins"), null=True, blank=True)
    frequency = models.CharField(
        _("courriel"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    last_digest_at = models.DateTimeField(default=timezone.now)
    last_notified_at = models.DateTimeField(default=timezone.now)
    ics_token = models.CharField(max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def kind_labels(self) -> list[str]:
        return [str(Kind(k).label) for k in self.kinds if k in Kind.values]

    def theme_labels(self) -> list[str]:
        return [str(Theme(t).label) for t in self.themes if t in Theme.values]


class CalendarToken(models.Model):
    """The secret address of a person's calendar of followed deadlines."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_calendar"
    )
    token = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return f"{self.user_id}"


class Track(models.Model):
    """A place follows a call: its steps (dated) build the place's track record."""

    class Step(models.TextChoices):
        INTERESTED = "interested", _("Intéressé")
        PREPARING = "preparing", _("En préparation")
        SUBMITTED = "submitted", _("Déposé")
        WON = "won", _("Retenu")
        REFUSED = "refused", _("Non retenu")
        PAID = "paid", _("Versé")

    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="tracks")
    step = models.CharField(_("étape"), max_length=10, choices=Step.choices)
    history = models.JSONField(default=list, blank=True)  # [[step, "YYYY-MM-DD"], …]
    looking_for_partners = models.BooleanField(_("cherche des partenaires"), default=False)
    partners_note = models.CharField(_("ce que nous cherchons"), max_length=500, blank=True)
    amount_won_cents = models.PositiveBigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "call"], name="opportunities_track_unique")
        ]

    def __str__(self) -> str:
        return f"{self.place_id} → {self.call_id}: {self.step}"

    def steps(self) -> list[tuple[str, datetime.date]]:
        """The dated steps, with their labels: the place's track record on this call."""
        return [
            (str(Track.Step(step).label), datetime.date.fromisoformat(day))
            for step, day in self.history
            if step in Track.Step.values
        ]


class PartnerOffer(models.Model):
    """Another place answers "looking for partners": what it brings."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="offers")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    brings = models.TextField(_("ce que nous apportons"))
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.brings[:50]


class Answer(models.Model):
    """A consortium's workspace to answer a call together."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("En préparation")
        SUBMITTED = "submitted", _("Déposée")
        WON = "won", _("Retenue")
        REFUSED = "refused", _("Non retenue")
        DROPPED = "dropped", _("Abandonnée")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="answers")
    title = models.CharField(_("nom du projet"), max_length=200)
    network = models.ForeignKey("networks.Network", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    internal_deadline = models.DateField(_("date limite interne"), null=True, blank=True)
    amount_won_cents = models.PositiveBigIntegerField(_("montant obtenu"), null=True, blank=True)
    # The envelope the money won was recorded as, in one of the network's circles' budget.
    envelope = models.ForeignKey(
        "circles.Envelope",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enveloppe"),
    )
    summary = models.TextField(_("le projet en quelques lignes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:answer-detail", args=[self.pk])


class Partner(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Chef de file")
        COCONTRACTOR = "cocontractor", _("Cotraitant")
        SUBCONTRACTOR = "subcontractor", _("Sous-traitant")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invité")
        ACCEPTED = "accepted", _("Accepté")
        DECLINED = "declined", _("Décliné")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="partners")
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answer_partnerships",
    )
    role = models.CharField(_("rôle"), max_length=14, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    budget_cents = models.PositiveBigIntegerField(_("part du budget"), default=0)
    letter = models.FileField(
        _("lettre d'engagement"),
        upload_to="answers/letters/",
        blank=True,
        storage=private_storage,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "place"], name="opportunities_partner_place_unique"
            ),
            models.UniqueConstraint(
                fields=["answer", "user"], name="opportunities_partner_user_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(place__isnull=False) | models.Q(user__isnull=False),
                name="opportunities_partner_someone",
            ),
        ]

    def __str__(self) -> str:
        if self.place is not None:
            return self.place.name
        return self.user.public_name if self.user else "—"


class WorkPackage(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="work_packages")
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("contenu"), blank=True)
    leader = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class Piece(models.Model):
    """A piece the call requires: who prepares it, by when, done or not."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="pieces")
    label = models.CharField(_("pièce"), max_length=200)
    owner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("pour le"), null=True, blank=True)
    done = models.BooleanField(_("prête"), default=False)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.label


class SharedLink(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("libellé"), max_length=120)
    url = models.URLField(_("adresse"), max_length=500)

    def __str__(self) -> str:
        return self.label
