"""Imports: dry run then apply, on real-looking files and feeds (no network: the outbound
guard's fetch is replaced)."""

import datetime
import io
import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.lib import outbound
from maillage.opportunities import imports
from maillage.opportunities.models import Call, Feed, ImportRun

pytestmark = pytest.mark.django_db

DATA = pathlib.Path(__file__).parent / "data"
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def outcomes(run: ImportRun) -> list[tuple[str, str]]:
    return [(line["title"], line["outcome"]) for line in run.report]


def serve(monkeypatch, body: bytes = b"", status: int = 200, refuse: str = "") -> list[str]:
    asked: list[str] = []

    def fake_fetch(url, **kwargs):
        asked.append(url)
        if refuse:
            raise outbound.OutboundRefused(refuse)
        return outbound.OutboundResponse(status=status, body=body, url=url)

    monkeypatch.setattr(imports.outbound, "fetch", fake_fetch)
    return asked


def test_an_rss_feed_is_judged_then_applied_and_not_imported_twice(
    monkeypatch, dora, network_a, commune
):
    asked = serve(monkeypatch, read("aap.rss"))
    run = imports.dry_run(
        network=network_a, by=dora, format="rss", url="https://veille.example.org/rss", now=NOW
    )
    assert asked == ["https://veille.example.org/rss"]
    assert outcomes(run) == [
        ("Appel à projets « Tiers-lieux nourriciers » 2027", "new"),
        ("AMI Manufactures de proximité — nouvelle vague", "new"),
        ("Fonds pour l'inclusion numérique", "new"),
        ("Appel à projets Culture et ruralité 2026", "closed"),
    ]
    assert Call.objects.count() == 0  # a dry run writes nothing
    created = imports.apply_run(run=run, by=dora, now=NOW)
    assert len(created) == 3
    nourriciers = Call.objects.get(title__startswith="Appel à projets « Tiers")
    assert nourriciers.deadline_local.isoformat() == "2027-03-15T12:00:00+01:00"
    assert set(nourriciers.themes) == {"alimentation", "transition"}
    assert nourriciers.kind == "aap" and nourriciers.source == "rss"
    assert nourriciers.summary.startswith("La Région soutient")
    ami = Call.objects.get(title__startswith="AMI")
    assert (ami.kind, ami.mode) == ("ami", "cooperative")
    assert Call.objects.get(title__startswith="Fonds").rolling
    # The same feed again (one link now has a tracking parameter): only duplicates.
    again = imports.dry_run(
        network=network_a, by=dora, format="rss", url="https://veille.example.org/rss", now=NOW
    )
    assert [o for _t, o in outcomes(again)] == ["duplicate", "duplicate", "duplicate", "closed"]
    with pytest.raises(imports.ImportRefused, match="déjà été appliqué"):
        imports.apply_run(run=run, by=dora, now=NOW)


def test_an_atom_feed_is_read_too(monkeypatch, dora, network_a):
    serve(monkeypatch, read("aap.atom"))
    run = imports.dry_run(network=network_a, by=dora, format="rss", url="https://r.example/atom")
    [line] = run.report
    assert line["funder"] == "France Tiers-Lieux"
    assert line["kind"] == "communs" and line["deadline"].startswith("2027-02-28T12:00")


@pytest.mark.parametrize(
    ("body", "refuse", "message"),
    [
        (read("page.html"), "", "Cette adresse renvoie une page web, pas un flux RSS ou Atom."),
        (b"ceci n'est pas un flux", "", "n'est pas un flux RSS ou Atom lisible"),
        (b"", "Le serveur n'a pas répondu dans les 10 secondes.", "n'a pas répondu dans les 10"),
    ],
)
def test_a_feed_that_is_not_a_feed_or_times_out_saves_nothing(
    monkeypatch, dora, network_a, body, refuse, message
):
    serve(monkeypatch, body, refuse=refuse)
    with pytest.raises(imports.ImportRefused, match=message):
        imports.dry_run(network=network_a, by=dora, format="rss", url="https://x.example/f")
    assert ImportRun.objects.count() == 0 and Call.objects.count() == 0


def test_an_error_status_is_said_in_french(monkeypatch, dora, network_a):
    serve(monkeypatch, b"", status=404)
    with pytest.raises(imports.ImportRefused, match="erreur 404"):
        imports.dry_run(network=network_a, by=dora, format="rss", url="https://x.example/f")


def test_csv_rows_with_unknown_territory_or_bad_amounts_are_refused_the_rest_applied(
    dora, network_a, commune
):
    run = imports.dry_run(
        network=network_a, by=dora, format="csv", content=read("calls.csv"), name="c.csv", now=NOW
    )
    assert [o for _t, o in outcomes(run)] == ["new", "new", "new", "error", "repeated", "error"]
    errors = [line["message"] for line in run.report if line["outcome"] == "error"]
    assert errors[0].startswith("Territoire inconnu : Atlantide.")
    assert errors[1] == "Le montant minimum dépasse le maximum."
    imports.apply_run(run=run, by=dora, now=NOW)
    nourriciers = Call.objects.get(title="Tiers-lieux nourriciers 2027")
    assert (nourriciers.amount_min_cents, nourriciers.amount_max_cents) == (1_000_000, 5_000_000)
    assert nourriciers.cofunding_rate == 50 and nourriciers.region_codes == ["32"]
    assert set(nourriciers.eligible) == {"association", "scic"}
    marche = Call.objects.get(title="Médiation numérique rurale")
    assert marche.department_codes == ["59"] and not marche.consortium_allowed
    fonds = Call.objects.get(title="Fonds d'amorçage")
    assert fonds.rolling and fonds.mode == "cooperative"
    assert not Call.objects.filter(title="Appel en Atlantide").exists()


def test_aid_catalogue_json_reads_funders_perimeter_audiences_and_rate(dora, network_a, commune):
    run = imports.dry_run(
        network=network_a, by=dora, format="aides", content=read("aides.json"), now=NOW
    )
    assert [o for _t, o in outcomes(run)] == ["new", "new", "error"]
    assert "Pays imaginaire" in run.report[2]["message"]
    imports.apply_run(run=run, by=dora, now=NOW)
    fabriques = Call.objects.get(title="Soutenir les Fabriques de territoire")
    assert fabriques.funder == "ANCT, Banque des Territoires"
    assert fabriques.scope == "national" and fabriques.cofunding_rate == 80
    assert fabriques.url.startswith("https://agence-cohesion-territoires.gouv.fr")
    assert {"association", "entreprise", "collectivite"} <= set(fabriques.eligible)
    fablabs = Call.objects.get(title="Aide régionale à l'équipement des fablabs")
    assert fablabs.rolling and fablabs.region_codes == ["32"]


def test_procurement_notices_give_deadline_departments_and_descriptors(dora, network_a, commune):
    run = imports.dry_run(
        network=network_a, by=dora, format="boamp", content=read("boamp.json"), now=NOW
    )
    assert [o for _t, o in outcomes(run)] == ["new", "error"]
    assert run.report[1]["message"] == "Avis sans date limite de réponse."
    [notice] = imports.apply_run(run=run, by=dora, now=NOW)
    assert notice.kind == "marche" and notice.department_codes == ["59"]
    assert notice.funder == "Communauté d'agglomération du Douaisis"
    assert "Inclusion numérique" in notice.summary and "numerique" in notice.themes
    assert notice.deadline_local.isoformat() == "2027-01-20T12:00:00+01:00"


def test_only_coordinators_import(monkeypatch, alice, erin, network_a):
    for person in (alice, erin):
        with pytest.raises(imports.NotAllowed):
            imports.dry_run(network=network_a, by=person, format="csv", content=read("calls.csv"))


def test_the_periodic_command_polls_feeds_and_keeps_a_french_error(
    monkeypatch, dora, network_a, commune
):
    good = Feed.objects.create(
        network=network_a, url="https://veille.example.org/rss", format="rss"
    )
    bad = Feed.objects.create(network=network_a, url="https://x.example/page", format="rss")
    bodies = {good.url: read("aap.rss"), bad.url: read("page.html")}
    monkeypatch.setattr(
        imports.outbound,
        "fetch",
        lambda url, **kw: outbound.OutboundResponse(status=200, body=bodies[url], url=url),
    )
    call_command("opportunities_poll_feeds", stdout=io.StringIO())
    bad.refresh_from_db()
    good.refresh_from_db()
    assert "page web" in bad.last_error and good.last_error == ""
    assert Call.objects.filter(source="rss").count() == 3  # the closed call left aside
    call_command("opportunities_poll_feeds", stdout=io.StringIO())
    assert Call.objects.filter(source="rss").count() == 3


def test_the_import_pages_show_the_report_and_apply_on_confirmation(
    client, dora, network_a, commune
):
    client.force_login(dora)
    with (DATA / "calls.csv").open("rb") as upload:
        response = client.post(
            reverse("opportunities:import"),
            {"format": "csv", "file": upload, "default_kind": "aap", "network": network_a.pk},
        )
    run = ImportRun.objects.get()
    assert response.url == reverse("opportunities:import-run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "Territoire inconnu : Atlantide." in page and Call.objects.count() == 0
    client.post(response.url)
    run.refresh_from_db()
    assert run.status == "applied" and Call.objects.count() == 3
    with (DATA / "page.html").open("rb") as upload:
        bad = client.post(
            reverse("opportunities:import"),
            {"format": "csv", "file": upload, "default_kind": "aap", "network": network_a.pk},
        )
    assert "Colonne « titre » introuvable" in bad.content.decode()
