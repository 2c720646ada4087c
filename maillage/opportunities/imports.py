"""Imports of calls: RSS/Atom feeds, CSV, aid-catalogue JSON (modelled on Aides-territoires
exports) and public-procurement notices (BOAMP open data) — a dry run first, then the apply.

Reading turns a file or a feed into `Row`s (one per call, with French errors); the dry run
judges each row (new, already on the board — by link or by title and deadline —, repeated in the
file, or refused with its reason) and stores the report; applying writes the new rows in one
transaction, so nothing is half-saved. A feed is fetched through `lib/outbound.py`, the one
guard for URLs someone gave (like the iCalendar import of events); a body that is not a feed,
a timeout or an error status refuses the whole import with a French message.
"""

import csv
import datetime
import io
import json
import re
import zoneinfo
from dataclasses import asdict, dataclass, field
from typing import Any

import feedparser
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.transfer.readers.csvfile import decode, sniff_delimiter
from maillage.directory.transfer.rows import html_to_text
from maillage.lib import outbound
from maillage.lib.csvio import unneutralize
from maillage.lib.refusals import Refusal
from maillage.networks.models import Network
from maillage.networks.selectors import is_coordinator
from maillage.opportunities import services
from maillage.opportunities.models import (
    Call,
    Feed,
    ImportRun,
    Kind,
    Mode,
    Structure,
    Theme,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TIMEOUT_SECONDS = 10
MAX_BYTES = 3 * 1024 * 1024
MAX_ROWS = 2000
USER_AGENT = "Maillage (veille des appels à projets)"


class ImportRefused(Refusal):
    """A file or feed that cannot be imported; nothing was saved."""


class NotAllowed(ImportRefused):
    status = 403


@dataclass
class Row:
    number: int
    title: str = ""
    funder: str = ""
    kind: str = ""
    summary: str = ""
    url: str = ""
    deadline: str = ""  # ISO instant, "" when rolling or unknown
    rolling: bool = False
    amount_min_cents: int | None = None
    amount_max_cents: int | None = None
    cofunding_rate: int | None = None
    territory: str = "national"
    themes: list[str] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)
    consortium_allowed: bool = True
    mode: str = Mode.COMPETITIVE
    errors: list[str] = field(default_factory=list)


# --- Words read in titles, categories and audiences ------------------------------------------

THEME_WORDS = [
    ("numérique", Theme.DIGITAL),
    ("numerique", Theme.DIGITAL),
    ("inclusion", Theme.DIGITAL),
    ("fabrication", Theme.MAKING),
    ("fablab", Theme.MAKING),
    ("réemploi", Theme.MAKING),
    ("manufacture", Theme.MAKING),
    ("alimentation", Theme.FOOD),
    ("alimentaire", Theme.FOOD),
    ("culture", Theme.CULTURE),
    ("culturel", Theme.CULTURE),
    ("emploi", Theme.EMPLOYMENT),
    ("insertion", Theme.EMPLOYMENT),
    ("formation", Theme.EMPLOYMENT),
    ("transition", Theme.ECOLOGY),
    ("écolog", Theme.ECOLOGY),
    ("climat", Theme.ECOLOGY),
    ("biodiversité", Theme.ECOLOGY),
    ("économie sociale", Theme.SSE),
    ("ess", Theme.SSE),
    ("solidaire", Theme.SSE),
    ("jeunesse", Theme.YOUTH),
    ("éducation", Theme.YOUTH),
    ("santé", Theme.HEALTH),
    ("lien social", Theme.HEALTH),
    ("mobilité", Theme.MOBILITY),
    ("rural", Theme.RURAL),
    ("revitalisation", Theme.RURAL),
    ("fabrique", Theme.RURAL),
    ("commun", Theme.COMMONS),
    ("coopération", Theme.COMMONS),
]
AUDIENCE_WORDS = [
    ("association", Structure.ASSOCIATION),
    ("scic", Structure.SCIC),
    ("scop", Structure.SCOP),
    ("entreprise", Structure.COMPANY),
    ("private_sector", Structure.COMPANY),
    ("commune", Structure.LOCAL_AUTHORITY),
    ("epci", Structure.LOCAL_AUTHORITY),
    ("department", Structure.LOCAL_AUTHORITY),
    ("region", Structure.LOCAL_AUTHORITY),
    ("collectivit", Structure.LOCAL_AUTHORITY),
    ("public_org", Structure.PUBLIC_BODY),
    ("établissement public", Structure.PUBLIC_BODY),
    ("public_cies", Structure.PUBLIC_BODY),
]
KIND_WORDS = [
    ("manifestation d'intérêt", Kind.AMI),
    ("manifestation d’intérêt", Kind.AMI),
    ("ami ", Kind.AMI),
    ("ami)", Kind.AMI),
    ("appel à communs", Kind.CALL_FOR_COMMONS),
    ("appel à projets", Kind.CALL_FOR_PROJECTS),
    ("aap ", Kind.CALL_FOR_PROJECTS),
    ("marché", Kind.TENDER),
    ("consultation", Kind.TENDER),
    ("prix ", Kind.PRIZE),
    ("trophée", Kind.PRIZE),
    ("concours", Kind.PRIZE),
    ("subvention", Kind.GRANT),
]


def _words(text: str, table: list[tuple[str, Any]]) -> list[str]:
    low = f" {text.lower()} "
    return list(dict.fromkeys(str(value) for word, value in table if word in low))


def _kind(text: str, default: str) -> str:
    found = _words(text, KIND_WORDS)
    return found[0] if found else default


DATE_IN_TEXT = re.compile(
    r"(?:date limite|clôture|jusqu'au|avant le|au plus tard le)[^0-9]{0,20}"
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})",
    re.IGNORECASE,
)


def _instant(value: Any) -> str:
    """An ISO instant from "2025-03-14", "14/03/2025", "2025-03-14T12:00:00+01:00"; a day alone
    means noon, Paris time. Raise ValueError."""
    text = str(value or "").strip()
    if not text:
        return ""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        text = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = datetime.date.fromisoformat(text)
        return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=PARIS).isoformat()
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.isoformat()


def _cents(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return round(float(value) * 100)
    text = str(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    text = text.replace(",", ".")
    return round(float(text) * 100)


def _rate(value: Any) -> int | None:
    if value in (None, ""):
        return None
    rate = round(float(str(value).replace("%", "").replace(",", ".")))
    if not 0 < rate <= 100:
        raise ValueError(rate)
    return rate


def _bool(value: Any, default: bool) -> bool:
    text = str(value or "").strip().lower()
    if not text:
        return default
    return text in ("1", "oui", "o", "yes", "true", "vrai", "x")


# --- Readers ---------------------------------------------------------------------------------


def read_rss(body: bytes, *, default_kind: str) -> list[Row]:
    """RSS 2.0 or Atom (feedparser); a web page or anything else is refused."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:300].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise ImportRefused(
            _(
                "Cette adresse renvoie une page web, pas un flux RSS ou Atom. Cherchez sur le "
                "site le lien « RSS » ou « S'abonner »."
            )
        )
    parsed = feedparser.parse(body)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        raise ImportRefused(
            _("Ce document n'est pas un flux RSS ou Atom lisible : rien n'est importé.")
        )
    rows = []
    for number, entry in enumerate(parsed.entries[:MAX_ROWS], start=1):
        summary = html_to_text(entry.get("summary", "") or "")
        title = (entry.get("title") or "").strip()
        categories = " ".join(t.get("term", "") for t in entry.get("tags", []))
        row = Row(
            number=number,
            title=title,
            funder=(entry.get("author") or parsed.feed.get("title") or "").strip()[:300],
            kind=_kind(f"{title} {categories}", default_kind),
            summary=summary[:5000],
            url=(entry.get("link") or "").strip(),
            themes=_words(f"{title} {categories} {summary}", THEME_WORDS),
        )
        found = DATE_IN_TEXT.search(summary) or DATE_IN_TEXT.search(title)
        if found:
            row.deadline = _instant(f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}")
        else:
            row.rolling = True
        if "coopérati" in summary.lower() or "co-construction" in summary.lower():
            row.mode = Mode.COOPERATIVE
        rows.append(row)
    return rows


CSV_COLUMNS = {
    "titre": "title",
    "intitule": "title",
    "intitulé": "title",
    "financeur": "funder",
    "nature": "kind",
    "type": "kind",
    "presentation": "summary",
    "présentation": "summary",
    "lien": "url",
    "url": "url",
    "date_limite": "deadline",
    "montant_min": "amount_min",
    "montant_max": "amount_max",
    "taux": "rate",
    "territoire": "territory",
    "thematiques": "themes",
    "thématiques": "themes",
    "structures": "eligible",
    "consortium": "consortium",
    "logique": "mode",
}


def read_csv(body: bytes, *, default_kind: str) -> list[Row]:
    text, _encoding = decode(body)
    if not text.strip():
        raise ImportRefused(_("Le fichier est vide."))
    reader = csv.DictReader(io.StringIO(text), delimiter=sniff_delimiter(text[:4096]))
    header = {CSV_COLUMNS.get((h or "").strip().lower(), "") for h in reader.fieldnames or []}
    if "title" not in header:
        raise ImportRefused(
            _(
                "Colonne « titre » introuvable : la première ligne doit nommer les colonnes "
                "(titre, financeur, nature, date_limite, montant_max, territoire…)."
            )
        )
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            break
        values = {
            CSV_COLUMNS.get((k or "").strip().lower(), ""): unneutralize((v or "").strip())[0]
            for k, v in raw.items()
            if isinstance(v, str)
        }
        row = Row(number=number, title=values.get("title", ""), funder=values.get("funder", ""))
        row.summary = values.get("summary", "")
        row.url = values.get("url", "")
        kind = values.get("kind", "").lower()
        row.kind = kind if kind in Kind.values else _kind(f"{kind} {row.title}", default_kind)
        deadline = values.get("deadline", "")
        try:
            if deadline.lower() in ("", "au fil de l'eau", "permanent"):
                row.rolling = True
            else:
                row.deadline = _instant(deadline)
        except ValueError:
            row.errors.append(_("Date limite illisible : « %(v)s ».") % {"v": deadline})
        for name, target in (
            ("amount_min", "amount_min_cents"),
            ("amount_max", "amount_max_cents"),
        ):
            try:
                setattr(row, target, _cents(values.get(name)))
            except ValueError:
                row.errors.append(_("Montant illisible : « %(v)s ».") % {"v": values.get(name)})
        try:
            row.cofunding_rate = _rate(values.get("rate"))
        except ValueError:
            row.errors.append(_("Taux illisible : « %(v)s ».") % {"v": values.get("rate")})
        row.territory = values.get("territory", "") or "national"
        themes = [t.strip() for t in values.get("themes", "").split(",") if t.strip()]
        row.themes = [t for t in themes if t in Theme.values] or _words(
            " ".join(themes), THEME_WORDS
        )
        eligible = values.get("eligible", "")
        row.eligible = _words(eligible, AUDIENCE_WORDS)
        row.consortium_allowed = _bool(values.get("consortium"), True)
        mode = values.get("mode", "").lower()
        row.mode = Mode.COOPERATIVE if mode.startswith("coop") else Mode.COMPETITIVE
        rows.append(row)
    return rows


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(
            _("Ce document n'est pas du JSON lisible : rien n'est importé.")
        ) from exc


def _records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        data = data.get("results", data.get("records", data.get("aids")))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ImportRefused(_("Ce JSON ne contient pas de liste d'appels (« results » attendu)."))
    return data[:MAX_ROWS]


PERIMETER_SCALES = {"région": "R", "region": "R", "département": "", "department": ""}


def read_aides(body: bytes, *, default_kind: str) -> list[Row]:
    """JSON modelled on Aides-territoires exports: name, financers, perimeter (+ scale/code),
    targeted_audiences, submission_deadline, recurrence, subvention rate bounds, aid_types."""
    rows = []
    for number, record in enumerate(_records(_json(body)), start=1):
        title = str(record.get("name") or "").strip()
        financers = record.get("financers") or []
        if isinstance(financers, list):
            funder = ", ".join(str(f.get("name") if isinstance(f, dict) else f) for f in financers)
        else:
            funder = str(financers)
        row = Row(number=number, title=title, funder=funder[:300])
        row.summary = html_to_text(str(record.get("description") or ""))[:5000]
        row.url = str(record.get("origin_url") or record.get("url") or "").strip()
        aid_types = " ".join(str(t) for t in record.get("aid_types") or [])
        if record.get("is_call_for_project"):
            row.kind = _kind(title, Kind.CALL_FOR_PROJECTS)
        else:
            row.kind = _kind(f"{title} {aid_types}", default_kind)
        recurrence = str(record.get("recurrence") or "").lower()
        try:
            deadline = record.get("submission_deadline")
            if deadline:
                row.deadline = _instant(deadline)
            else:
                row.rolling = True
            if recurrence == "ongoing":
                row.rolling, row.deadline = True, ""
        except ValueError:
            row.errors.append(_("Date limite illisible : « %(v)s ».") % {"v": deadline})
        try:
            row.cofunding_rate = _rate(
                record.get("subvention_rate_upper_bound")
                or record.get("subvention_rate_lower_bound")
            )
        except ValueError:
            row.errors.append(_("Taux de subvention illisible."))
        try:
            row.amount_max_cents = _cents(record.get("amount_max") or record.get("loan_amount"))
        except ValueError:
            row.errors.append(_("Montant illisible."))
        perimeter = record.get("perimeter") or ""
        if isinstance(perimeter, dict):
            scale = str(perimeter.get("scale", "")).lower()
            code = str(perimeter.get("code") or perimeter.get("name") or "")
        else:
            scale = str(record.get("perimeter_scale") or "").lower()
            code = str(record.get("perimeter_code") or perimeter)
        if scale in ("pays", "country", "france", "national") or code.lower() in ("france", ""):
            row.territory = "national"
        elif scale in ("région", "region") and code.isdigit():
            row.territory = f"R{code}"
        else:
            row.territory = code
        categories = " ".join(str(c) for c in record.get("categories") or [])
        row.themes = _words(f"{title} {categories} {row.summary}", THEME_WORDS)
        row.eligible = _words(
            " ".join(str(a) for a in record.get("targeted_audiences") or []), AUDIENCE_WORDS
        )
        rows.append(row)
    return rows


def read_boamp(body: bytes, *, default_kind: str) -> list[Row]:
    """Public-procurement notices (BOAMP open data): objet, nomacheteur, datelimitereponse,
    code_departement, descripteur_libelle, url_avis."""
    rows = []
    for number, record in enumerate(_records(_json(body)), start=1):
        fields = record.get("fields", record)
        row = Row(
            number=number,
            title=str(fields.get("objet") or "").strip(),
            funder=str(fields.get("nomacheteur") or "").strip()[:300],
            kind=Kind.TENDER,
        )
        row.url = str(fields.get("url_avis") or "").strip()
        descriptors = fields.get("descripteur_libelle") or []
        if isinstance(descriptors, str):
            descriptors = [descriptors]
        row.summary = "; ".join(str(d) for d in descriptors)
        row.themes = _words(f"{row.title} {row.summary}", THEME_WORDS)
        try:
            deadline = fields.get("datelimitereponse")
            if deadline:
                row.deadline = _instant(deadline)
            else:
                row.errors.append(_("Avis sans date limite de réponse."))
        except ValueError:
            row.errors.append(_("Date limite illisible : « %(v)s ».") % {"v": deadline})
        departments = fields.get("code_departement") or []
        if isinstance(departments, str):
            departments = [departments]
        row.territory = ", ".join(str(d) for d in departments) or "national"
        row.eligible = [Structure.ASSOCIATION, Structure.COMPANY, Structure.SCIC, Structure.SCOP]
        rows.append(row)
    return rows


READERS: dict[str, Any] = {
    Call.Source.RSS: read_rss,
    Call.Source.CSV: read_csv,
    Call.Source.AIDES: read_aides,
    Call.Source.BOAMP: read_boamp,
}


def fetch(url: str) -> bytes:
    """The body at `url`, through the outbound guard; raise ImportRefused in French."""
    try:
        response = outbound.fetch(
            url,
            headers={"User-Agent": USER_AGENT},
            timeout=TIMEOUT_SECONDS,
            max_bytes=MAX_BYTES,
            allow_private=getattr(settings, "OPPORTUNITY_FEEDS_ALLOW_PRIVATE_HOSTS", False),
        )
    except outbound.OutboundRefused as exc:
        raise ImportRefused(exc.message) from exc
    if response.status >= 400:
        raise ImportRefused(
            _("Le serveur du flux a répondu par une erreur %(code)s.") % {"code": response.status}
        )
    return response.body


# --- Judging: the dry run ---------------------------------------------------------------------


def _judge(rows: list[Row], *, now: datetime.datetime) -> list[dict[str, Any]]:
    """One line of report per row: outcome new / duplicate / repeated / closed / error."""
    report = []
    seen_links: set[str] = set()
    seen_titles: set[str] = set()
    for row in rows:
        line = asdict(row)
        errors = list(row.errors)
        if not row.title:
            errors.append(_("Intitulé manquant."))
        if not row.funder:
            errors.append(_("Financeur ou acheteur manquant."))
        deadline = datetime.datetime.fromisoformat(row.deadline) if row.deadline else None
        try:
            scope, regions, departments, communes = services.resolve_territory(row.territory)
            line.update(
                scope=scope,
                region_codes=regions,
                department_codes=departments,
                commune_codes=communes,
            )
        except services.InvalidCall as refusal:
            errors.append(str(refusal.message))
        if (
            row.amount_min_cents is not None
            and row.amount_max_cents is not None
            and row.amount_min_cents > row.amount_max_cents
        ):
            errors.append(_("Le montant minimum dépasse le maximum."))
        link = services.link_key(row.url) if row.url else ""
        key = services.title_key(row.title, deadline)
        if errors:
            line.update(outcome="error", message=" ".join(errors))
        elif (link and link in seen_links) or key in seen_titles:
            line.update(outcome="repeated", message=_("Répété plus haut dans le fichier."))
        elif found := services.find_duplicate(url=row.url, title=row.title, deadline=deadline):
            line.update(
                outcome="duplicate",
                message=_("Déjà sur le tableau : « %(t)s ».") % {"t": found.title},
            )
        elif deadline is not None and deadline <= now:
            line.update(outcome="closed", message=_("Date limite passée : ignoré."))
        else:
            line.update(outcome="new", message="")
        if link:
            seen_links.add(link)
        seen_titles.add(key)
        report.append(line)
    return report


def _counts(report: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in report:
        counts[line["outcome"]] = counts.get(line["outcome"], 0) + 1
    return counts


def _require(by: User | None, network: Network) -> None:
    if by is not None and not is_coordinator(user=by, network=network):
        raise NotAllowed(_("Seul·es les coordinateur·rices du réseau importent des appels."))


def dry_run(
    *,
    network: Network,
    by: User | None,
    format: str,
    default_kind: str = Kind.CALL_FOR_PROJECTS,
    content: bytes | None = None,
    url: str = "",
    name: str = "",
    feed: Feed | None = None,
    now: datetime.datetime | None = None,
) -> ImportRun:
    """Read and judge, store the report; nothing is written to the board. Raise ImportRefused
    (nothing saved) when the file or feed cannot be read at all."""
    _require(by, network)
    if format not in READERS:
        raise ImportRefused(_("Format inconnu."), field="format")
    if default_kind not in Kind.values:
        raise ImportRefused(_("Nature inconnue."), field="default_kind")
    if content is None:
        if not url:
            raise ImportRefused(_("Donnez l'adresse d'un flux ou un fichier."), field="url")
        content = fetch(url)
    if len(content) > MAX_BYTES:
        raise ImportRefused(_("Le fichier est trop volumineux (3 Mo au plus)."), field="file")
    rows = READERS[format](content, default_kind=default_kind)
    report = _judge(rows, now=now or timezone.now())
    text, _encoding = decode(content)
    return ImportRun.objects.create(
        network=network,
        feed=feed,
        format=format,
        default_kind=default_kind,
        name=(url or name or format)[:500],
        content=text,
        status=ImportRun.Status.CHECKED,
        report=report,
        counts=_counts(report),
        by=by,
    )


def apply_run(
    *, run: ImportRun, by: User | None, now: datetime.datetime | None = None
) -> list[Call]:
    """Write the new rows, judged again now (another import may have added some meanwhile), in
    one transaction; a run is applied once."""
    _require(by, run.network)
    now = now or timezone.now()
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.CHECKED:
            raise ImportRefused(_("Cet import a déjà été appliqué."))
        rows = READERS[run.format](run.content.encode("utf-8"), default_kind=run.default_kind)
        report = _judge(rows, now=now)
        created = []
        for line in report:
            if line["outcome"] != "new":
                continue
            deadline = (
                datetime.datetime.fromisoformat(line["deadline"]) if line["deadline"] else None
            )
            call = Call(
                title=line["title"][:300],
                kind=line["kind"],
                funder=line["funder"],
                summary=line["summary"],
                url=line["url"][:500],
                deadline=deadline,
                rolling=line["rolling"] or deadline is None,
                amount_min_cents=line["amount_min_cents"],
                amount_max_cents=line["amount_max_cents"],
                cofunding_rate=line["cofunding_rate"],
                scope=line["scope"],
                region_codes=line["region_codes"],
                department_codes=line["department_codes"],
                commune_codes=line["commune_codes"],
                themes=line["themes"],
                eligible=line["eligible"],
                consortium_allowed=line["consortium_allowed"],
                mode=line["mode"],
                network=run.network,
                status=Call.Status.PUBLISHED,
                source=run.format,
                created_by=by,
                published_at=now,
            )
            services.check_call(call, now=now)
            call.slug = services._unique_slug(call.title)
            call.save()
            created.append(call)
            line["outcome"] = "created"
        run.report = report
        run.counts = _counts(report)
        run.status = ImportRun.Status.APPLIED
        run.applied_at = now
        run.save(update_fields=["report", "counts", "status", "applied_at"])
    return created


# --- Feeds polled periodically -----------------------------------------------------------------


def add_feed(*, network: Network, by: User, url: str, format: str, default_kind: str) -> Feed:
    _require(by, network)
    if format == Call.Source.CSV:
        raise ImportRefused(
            _("Un fichier CSV s'importe une fois ; seuls les flux se relèvent."),
            field="format",
        )
    feed, _created = Feed.objects.get_or_create(
        network=network,
        url=url,
        defaults={"format": format, "default_kind": default_kind, "created_by": by},
    )
    return feed


def poll_feed(*, feed: Feed, now: datetime.datetime | None = None) -> ImportRun | None:
    """Dry run then apply a feed (no one to look at the report at night: the new rows only);
    a feed that fails keeps its French message and changes nothing."""
    now = now or timezone.now()
    try:
        run = dry_run(
            network=feed.network,
            by=None,
            format=feed.format,
            default_kind=feed.default_kind,
            url=feed.url,
            feed=feed,
            now=now,
        )
        apply_run(run=run, by=None, now=now)
    except ImportRefused as refusal:
        feed.last_error = str(refusal.message)[:500]
        feed.last_polled_at = now
        feed.save(update_fields=["last_error", "last_polled_at"])
        return None
    feed.last_error = ""
    feed.last_polled_at = now
    feed.save(update_fields=["last_error", "last_polled_at"])
    run.refresh_from_db()
    return run


def poll_feeds(*, now: datetime.datetime | None = None) -> dict[str, int]:
    done = {"feeds": 0, "failed": 0, "created": 0}
    for feed in Feed.objects.filter(active=True).select_related("network"):
        run = poll_feed(feed=feed, now=now)
        done["feeds"] += 1
        if run is None:
            done["failed"] += 1
        else:
            done["created"] += run.counts.get("created", 0)
    return done


def template_rows() -> list[list[str]]:
    return [
        [
            "titre",
            "financeur",
            "nature",
            "date_limite",
            "montant_min",
            "montant_max",
            "taux",
            "territoire",
            "thematiques",
            "structures",
            "consortium",
            "logique",
            "lien",
        ],
        [
            "Appel à projets Tiers-lieux nourriciers",
            "Région Hauts-de-France",
            "aap",
            "2027-03-31",
            "10000",
            "50000",
            "50",
            "R32",
            "alimentation,transition",
            "association,scic",
            "oui",
            "competitif",
            "https://www.hautsdefrance.fr/",
        ],
    ]
