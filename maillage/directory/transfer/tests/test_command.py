from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillage.directory.transfer.tests.conftest import HEADER
from maillage.places.models import Place

CSV = HEADER + "\n1,La Bobine,coworking,1 place d'Armes,59500,Douai,59178,50.3705,3.0799\n"


def test_command_dry_runs_by_default_then_applies(communes, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "lieux.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_places", str(path), stdout=out, stderr=err)
    assert "1 à créer" in out.getvalue()
    assert "Essai à blanc" in err.getvalue()
    assert Place.objects.count() == 0
    call_command("import_places", str(path), "--apply", stdout=out, stderr=err)
    assert Place.objects.count() == 1


def test_command_refuses_an_unknown_network(communes, tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="Réseau inconnu"):
        call_command("import_places", str(path), "--network", "nope")
