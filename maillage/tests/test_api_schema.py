"""The OpenAPI schema is valid and documents every error, and a schemathesis run over the read
operations finds no server error and no answer outside the schema."""

import unicodedata

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import ignored_auth, negative_data_rejection

from maillage.places.tests.factories import EquipmentFactory, PlaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"
# Reads that need a token: my passes, bookings, statements; my event registrations.
# Reads that need a token: a person's own data, or a circle's members-only proposals.
# (the observatory: more indicators for the network's coordinators.)
MEMBERS_READS = ("/api/v1/circles/", "/api/v1/campaigns/", "/api/v1/observatory/indicators")
PERSONAL_READS = (
    "/api/v1/mobility/",
    "/api/v1/events/registrations",
    "/api/v1/circles/",
    "/api/v1/orientations",
    # One's fees and volunteer hours (all of a network's for its treasurer), one's support
    # requests and peer groups, the answers one is a partner of, one's alerts.
    "/api/v1/fees",
    "/api/v1/volunteering",
    "/api/v1/support-requests",
    "/api/v1/peer-groups",
    "/api/v1/answers",
    "/api/v1/alerts",
)


@pytest.fixture
def openapi(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_is_a_valid_openapi_document():
    # schemathesis validates the document against the OpenAPI meta-schema as it loads it.
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
    names = {result.ok().label for result in schema.get_all_operations()}
    assert "GET /api/v1/places" in names
    assert "PATCH /api/v1/places/{ref}" in names


def test_every_operation_documents_its_refusals(openapi):
    for path, method, operation in operations(openapi):
        codes = set(operation["responses"])
        assert "422" in codes, (method, path)
        if method != "get":
            assert {"401", "403", "404"} <= codes, (method, path)
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
        elif operation.get("security") == [{"TokenAuth": []}, {}]:
            # A members-only read (a circle's programme, decisions, figures): a token when sent,
            # anonymous otherwise, refused to whoever may not see it.
            assert {"401", "403", "404"} <= codes, (method, path)
            assert path.startswith(MEMBERS_READS), (method, path)
        elif "security" in operation:
            # A personal read (my passes, my bookings, a statement) needs a token too.
            assert {"401", "403", "404"} <= codes, (method, path)
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
            assert path.startswith(PERSONAL_READS), (method, path)


def test_every_operation_has_a_french_summary(openapi):
    summaries = [operation.get("summary", "") for _path, _method, operation in operations(openapi)]
    assert all(summaries)
    assert "Chercher des lieux" in summaries


def test_no_two_schemas_of_the_api_share_a_name(openapi):
    # The document has one component per class name: a second class of the same name would
    # silently describe another app's answers with the first one's fields.
    import inspect
    import sys

    from ninja import Schema

    modules: dict[str, set[str]] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("maillage.") or ".tests" in module_name or module is None:
            continue
        for name, value in vars(module).items():
            schema = inspect.isclass(value) and issubclass(value, Schema)
            if schema and value.__module__ == module_name:
                modules.setdefault(name, set()).add(module_name)
    assert {name: where for name, where in modules.items() if len(where) > 1} == {}
    assert "PlaceRefOut" in openapi["components"]["schemas"]


def test_the_documented_filters_of_places_are_those_of_the_search_page(openapi):
    from maillage.directory.search.filters import QUERY_KEYS

    parameters = {p["name"] for p in openapi["paths"]["/api/v1/places"]["get"]["parameters"]}
    assert set(QUERY_KEYS) <= parameters
    assert parameters - set(QUERY_KEYS) == {"page_size", "facets"}


def test_the_docs_page_loads_its_scripts_locally(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


# --- schemathesis over the reads ------------------------------------------------------------


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Call the WSGI app as Django's test client does: without closing the database connection at
    the end of each request (it holds the test's transaction; a file database would close it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def directory(membership, other_place):
    SpaceFactory(place=membership.place, capacity=20, price_public_cents=2000)
    EquipmentFactory(place=other_place, sharing_mode="loan")
    PlaceFactory(name="Lieu caché", is_published=False)


# Loading the schema only renders /api/v1/openapi.json: no database needed at collection.
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application()).include(method="GET")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_read_operations_follow_their_schema(case, directory):
    _call_and_validate(case)


# --- schemathesis with credentials: a place manager's and a coordinator's token -------------

every_operation = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@pytest.fixture(params=["alice", "dora"])
def token_header(request, directory) -> dict[str, str]:
    from maillage.accounts.api_tokens import create_api_token

    person = request.getfixturevalue(request.param)
    _, key = create_api_token(user=person, name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.slow
@every_operation.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_follows_its_schema_with_a_token(case, token_header):
    _call_and_validate(case, headers=token_header)


def _call_and_validate(case, headers: dict[str, str] | None = None) -> None:
    response = case.call(headers=headers)
    if response.status_code == 414:
        # An over-long query string is refused before any operation, as every one documents;
        # schemathesis' list of "rejection" statuses does not know 414.
        assert "trop longue" in response.json()["detail"]
        return
    if response.status_code == 422 and _refused_by_a_documented_text_rule(case, response.json()):
        # Rules on text that every operation documents and JSON Schema cannot cheaply say, so
        # schemathesis may generate what they refuse: a NUL character (refused before any
        # operation: PostgreSQL text cannot hold it); a control character in a one-line text (a
        # C1 control such as U+0085 in a name); a text made only of spaces (U+0085 is one for
        # Python), which counts as empty where a value is required. Each refusal must name a
        # field whose sent value really breaks the rule.
        return
    # The search filters are free text by design (a bad value is ignored with a notice, as on
    # the search page), and every query value travels as text: schemathesis' "this boolean
    # should be refused" cannot apply there. Every other check runs everywhere.
    excluded = [negative_data_rejection] if case.operation.path == "/api/v1/places" else []
    if headers:
        # Our explicit token header wins over what schemathesis generates for authentication:
        # its replay with a broken token (ignored_auth) and its negative cases that drop the
        # header (negative_data_rejection) become valid requests. Refusing missing or bad
        # tokens is tested by the anonymous run and test_api_tokens.
        excluded += [ignored_auth, negative_data_rejection]
    case.validate_response(response, excluded_checks=excluded)


def _refused_by_a_documented_text_rule(case, body: dict) -> bool:
    errors = body.get("errors", [])
    return bool(errors) and all(_breaks_a_text_rule(case, error) for error in errors)


def _breaks_a_text_rule(case, error: dict) -> bool:
    if "caractère nul" in error["message"]:
        return True
    sent = {"body": case.body, "query": case.query, "path": case.path_parameters}.get(
        error.get("location", "")
    )
    value = sent.get(error.get("field", "")) if isinstance(sent, dict) else None
    if not isinstance(value, str):
        return False
    has_a_control = any(
        unicodedata.category(char) == "Cc" or char in "\u2028\u2029" for char in value
    )
    return value.strip() == "" or has_a_control


def test_an_over_long_query_string_is_a_documented_json_414(client, openapi):
    response = client.get("/api/v1/places", {"q": "tiers-lieu " * 400})

    assert response.status_code == 414
    assert "trop longue" in response.json()["detail"]
    for path, method, operation in operations(openapi):
        assert "414" in operation["responses"], f"{method.upper()} {path}"


def test_a_page_answers_an_over_long_query_string_in_french(client):
    response = client.get("/recherche/", {"q": "x" * 3000})

    assert response.status_code == 414
    assert "trop longue" in response.content.decode()
