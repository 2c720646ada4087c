from maillage.directory.transfer.tests.conftest import outcomes
from maillage.places.models import Place


def test_the_template_describes_every_column_and_reimports_cleanly(client, communes, run_file):
    response = client.get("/import/modele.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("identifiant,source,nom,types")
    run = run_file(body, "modele.csv")
    assert outcomes(run) == ["created"]
    assert Place.objects.count() == 0  # a dry run writes nothing
