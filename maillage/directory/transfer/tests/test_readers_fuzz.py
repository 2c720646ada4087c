"""Whatever a file holds, the readers answer with rows or the import's own refusal — never a crash.

Networks arrive with files made by other tools and people; a file that is not a directory file
must end as a French message on the import page, not as a server error or a run left "running".
"""

import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.transfer.readers import READERS, detect_format, read_file
from maillage.directory.transfer.readers.jsonfile import MAX_JSON_DEPTH
from maillage.directory.transfer.rows import FileTooLarge, TransferError, UnknownFormat
from maillage.directory.transfer.services import analyse

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "features",
                    "properties",
                    "geometry",
                    "coordinates",
                    "data",
                    "nom",
                    "name",
                    "adresse",
                    "commune",
                    "code_postal",
                    "code_insee",
                    "latitude",
                    "longitude",
                    "pivot",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)

# Files that pass the first checks (the right envelope, the expected property names) with any
# values inside: where a reader trusts the shape of what it reads.
place_records = st.fixed_dictionaries(
    {"nom": json_values, "code_postal": json_values, "commune": json_values},
    optional={
        "adresse": json_values,
        "latitude": json_values,
        "longitude": json_values,
        "horaires": json_values,
        "site_web": json_values,
        "type": json_values,
    },
)
almost_valid = st.one_of(
    st.builds(
        lambda features: {"type": "FeatureCollection", "features": features},
        st.lists(
            st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {"type": st.just("Feature"), "properties": place_records},
                    optional={
                        "geometry": json_values
                        | st.fixed_dictionaries(
                            {"type": st.just("Point"), "coordinates": json_values}
                        )
                    },
                ),
            ),
            max_size=4,
        ),
    ),
    st.builds(
        lambda data: {"ontology": "gogocarto", "data": data},
        st.lists(
            st.dictionaries(st.text(max_size=10), json_values, max_size=8) | json_values, max_size=4
        ),
    ),
    st.lists(place_records | json_values, max_size=4),
)

csv_cells = st.text(alphabet=st.characters(codec="latin-1"), max_size=12)
csv_texts = st.lists(st.lists(csv_cells, min_size=1, max_size=6), min_size=1, max_size=6).map(
    lambda rows: "\n".join(";".join(row) for row in rows)
)


def _every_reading(path: Path) -> None:
    """Detect the format, then force every reader on the same bytes."""
    with contextlib.suppress(UnknownFormat):
        detect_format(path, name=path.name)
    for format in READERS:
        try:
            result = read_file(path, format=format)
        except TransferError as exc:
            assert str(exc.message).strip()
        else:
            # What was read must also survive the dry run's judgement of each row.
            for row in analyse(result.rows):
                assert row.outcome


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_any_bytes(tmp_path, data):
    path = tmp_path / "fichier.csv"
    path.write_bytes(data)
    _every_reading(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_json(tmp_path, value):
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    _every_reading(path)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=almost_valid)
def test_any_values_in_the_expected_shape(tmp_path, value):
    path = tmp_path / "lieux.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    _every_reading(path)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=csv_texts, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]))
def test_any_csv(tmp_path, text, encoding):
    path = tmp_path / "lieux.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8"))
    _every_reading(path)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_a_deeply_nested_json_is_refused_quickly_with_a_french_message(tmp_path, depth):
    path = tmp_path / "lieux.json"
    path.write_text("[" * depth + "]" * depth)

    started = time.process_time()
    with pytest.raises(UnknownFormat, match="imbriqué sur plus de 32 niveaux"):
        detect_format(path)
    for format in READERS:
        if format != "csv":
            with pytest.raises(TransferError, match="imbriqué"):
                read_file(path, format=format)

    assert time.process_time() - started < 2


def test_a_file_with_too_many_rows_is_refused_before_reading_them_all(tmp_path, settings):
    settings.MAX_IMPORT_ROWS = 10
    csv_path = tmp_path / "lieux.csv"
    csv_path.write_text("nom;code_postal;commune\n" + "Lieu;59000;Lille\n" * 11)
    geo_path = tmp_path / "lieux.geojson"
    geo_path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}] * 11})
    )

    with pytest.raises(FileTooLarge, match="plus de 10 lignes"):
        read_file(csv_path, format="csv")
    with pytest.raises(FileTooLarge, match="plus de 10 lignes"):
        read_file(geo_path, format="geojson")
