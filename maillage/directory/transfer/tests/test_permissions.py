"""Who may use the import pages: coordinators (for their networks) and admins."""

import pytest

from maillage.conftest import PERSONAS
from maillage.places.models import ImportRun

# anonymous, bob, charlie, alice, erin, dora, root
UPLOAD = [302, 403, 403, 403, 200, 200, 200]
RUN = [302, 403, 403, 403, 403, 200, 200]


@pytest.fixture
def run(dora, network_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ImportRun.objects.create(
        network=network_a, created_by=dora, original_name="x.csv", format="csv",
        status=ImportRun.Status.CHECKED, report=[], summary={},
    )  # fmt: skip


@pytest.mark.parametrize(("persona", "expected"), list(zip(PERSONAS, UPLOAD, strict=True)))
def test_upload_page(persona_client, persona, expected):
    assert persona_client(persona).get("/import/").status_code == expected


@pytest.mark.parametrize("suffix", ["", "progression/", "rapport.csv"])
@pytest.mark.parametrize(("persona", "expected"), list(zip(PERSONAS, RUN, strict=True)))
def test_run_pages(persona_client, run, persona, expected, suffix):
    assert persona_client(persona).get(f"/import/{run.pk}/{suffix}").status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), list(zip(PERSONAS, [302, 403, 403, 403, 403, 302, 302], strict=True))
)
def test_apply_is_a_post_for_allowed_people_only(persona_client, run, persona, expected):
    client = persona_client(persona)
    assert client.post(f"/import/{run.pk}/appliquer/").status_code == expected
    if persona != "anonymous":
        assert client.get(f"/import/{run.pk}/appliquer/").status_code in (403, 405)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_template_is_public(persona_client, persona):
    assert persona_client(persona).get("/import/modele.csv").status_code == 200


def test_an_unknown_run_is_404(persona_client):
    assert persona_client("root").get("/import/999999/").status_code == 404
