"""The pages: upload → dry-run report → apply, progress fragment, CSV report, query bounds."""

from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.directory.transfer.tests.conftest import HEADER
from maillage.places.models import ImportRun, Place

CSV = HEADER + "\n1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"


def _upload(client, network):
    return client.post(
        "/import/",
        {"file": SimpleUploadedFile("lieux.csv", CSV.encode()), "network": network.pk},
    )


def test_coordinator_uploads_reviews_and_applies(
    client, communes, dora, network_a, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(dora)
    response = _upload(client, network_a)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/import/{run.pk}/"
    with django_assert_max_num_queries(12):
        page = client.get(response.url)
    html = page.content.decode()
    assert "La Bobine" in html and "Appliquer" in html
    assert Place.objects.count() == 0
    assert "La Bobine" not in client.get(response.url + "?resultat=rejected").content.decode()
    csv = b"".join(client.get(f"/import/{run.pk}/rapport.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "La Bobine" in csv
    client.post(f"/import/{run.pk}/appliquer/")
    assert Place.objects.filter(external_id="csv:1").exists()
    again = client.post(f"/import/{run.pk}/appliquer/", follow=True)
    assert "déjà été appliqué" in again.content.decode()
    assert Place.objects.count() == 1


def _run_at_50_of_200(client, dora, network, status):
    client.force_login(dora)
    return ImportRun.objects.create(
        network=network, created_by=dora, original_name="x.csv", format="csv",
        status=status, rows_total=200, rows_done=50,
    )  # fmt: skip


def test_progress_fragment_polls_while_running_and_answers_the_report_when_done(
    client, dora, network_a
):
    run = _run_at_50_of_200(client, dora, network_a, ImportRun.Status.RUNNING)
    fragment = client.get(f"/import/{run.pk}/progression/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert '<progress id="import-progress-bar" max="200" value="50">' in html
    assert 'hx-trigger="every 1s"' in html
    assert "<h1>" not in html
    run.status = ImportRun.Status.CHECKED
    run.summary = {"created": 1}
    run.report = [{"row": 2, "name": "La Bobine", "outcome": "created", "messages": []}]
    run.save()
    done = client.get(f"/import/{run.pk}/progression/", HTTP_HX_REQUEST="true")
    html = done.content.decode()
    # Never a reload of the whole page: the region is replaced by the report, and stops polling.
    assert "HX-Refresh" not in done
    assert "hx-trigger" not in html and "<h1>" not in html
    assert 'id="run-status"' in html and "Rapport ligne par ligne" in html


def test_a_coordinator_cannot_import_into_another_network(
    client, erin, network_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(erin)
    response = _upload(client, network_a)
    assert response.status_code == 200
    assert ImportRun.objects.count() == 0


def test_progress_fragment_counts_the_rows_while_the_worker_applies(client, dora, network_a):
    run = _run_at_50_of_200(client, dora, network_a, ImportRun.Status.APPLYING)
    html = client.get(f"/import/{run.pk}/progression/", HTTP_HX_REQUEST="true").content.decode()
    assert '<progress id="import-progress-bar" max="200" value="50">' in html
    assert "50 / 200 lignes" in html and "vérification des lignes" in html
    assert 'hx-trigger="every 1s"' in html
    # Every row judged: the bar says the places are being written, and polling goes on.
    ImportRun.objects.filter(pk=run.pk).update(rows_done=200)
    html = client.get(f"/import/{run.pk}/progression/", HTTP_HX_REQUEST="true").content.decode()
    assert "Écriture des lieux" in html and "200 lignes vérifiées" in html
    assert 'hx-trigger="every 1s"' in html
