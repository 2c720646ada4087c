"""The JSON API's kit, shared by every app's `api.py`: error bodies (a French `detail`, one French
message per refused field), the one error handler per kind of failure (refusals included),
pagination, and `ref_lookup`. It imports no app, so any app may use it; `maillage/api.py` creates
the API, installs the handlers and mounts the routers.
"""

import re
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination

from maillage.lib.refusals import Refusal

# --- Error bodies ---------------------------------------------------------------------------


class ErrorOut(Schema):
    """An error: `detail` says what went wrong, in French."""

    detail: str


class FieldErrorOut(Schema):
    """What is wrong with one field: where it was sent, its name, and a French message."""

    location: str
    field: str | None
    message: str


class ValidationErrorOut(Schema):
    """Refused input: a French summary and one French message per field."""

    detail: str
    errors: list[FieldErrorOut]


READ_ERRORS: dict[int, Any] = {422: ValidationErrorOut}
DETAIL_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}
# A write whose refusals may depend on the state of things (a full day, a used key): 409 too.
CONFLICT_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut}
# A read that needs (or may carry) a token: a person's own data, a members-only page.
PRIVATE_READ_ERRORS: dict[int, Any] = dict(WRITE_ERRORS)


def ref_lookup(ref: str) -> dict[str, Any]:
    """An object named by its id ("42") or its slug ("la-bobine"), as a filter."""
    # ASCII digits only: "¹".isdigit() is true, and int() refuses it.
    if re.fullmatch(r"[0-9]{1,11}", ref):
        return {"pk": int(ref)}
    return {"slug": ref}


def field_errors(field: str | None, message: Any, *, location: str = "body") -> ValidationError:
    """A 422 for one field, with a French message (for errors found past the schema)."""
    return ValidationError([{"loc": (location, field), "msg": str(message), "type": "maillage"}])


def _without_null(schema: dict[str, Any], model: type) -> None:
    """Publish the fields of `model.never_null` as "a value or absent", never null."""
    for name in getattr(model, "never_null", ()):
        spec = schema.get("properties", {}).get(name)
        if spec is None:
            continue
        if "anyOf" in spec:
            options = [option for option in spec["anyOf"] if option.get("type") != "null"]
            if len(options) == 1:
                del spec["anyOf"]
                spec.update(options[0])
            else:
                spec["anyOf"] = options
        if "default" in spec and spec["default"] is None:
            del spec["default"]


class ChangesIn(Schema):
    """The input of a write: unknown fields refused; the fields in `never_null` may be left out
    but not sent as null (the model stores "" or a default), and the published schema says so.
    `changes()` gives the fields sent."""

    model_config = {"extra": "forbid", "json_schema_extra": _without_null}
    never_null: ClassVar[frozenset[str]] = frozenset()

    def changes(self) -> dict[str, Any]:
        """The fields sent, as plain values; a 422 on the first null where none may be."""
        data = self.model_dump(mode="json", exclude_unset=True)
        for name, value in data.items():
            if value is None and name in self.never_null:
                raise field_errors(name, _("Ce champ ne peut pas être null : omettez-le."))
        return data


# --- French messages for pydantic's validation errors --------------------------------------


def _choices(ctx: dict[str, Any]) -> str:
    """ "'open', 'project' or 'closed'" (pydantic's English) → "open, project, closed"."""
    expected = str(ctx.get("expected", ""))
    return ", ".join(re.findall(r"'([^']*)'", expected)) or expected


def _message_for(error: dict[str, Any]) -> str:
    """A French sentence for one pydantic error (its English message is never shown)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": lambda: _("Ce champ est obligatoire."),
        "int_parsing": lambda: _("Indiquez un nombre entier."),
        "int_type": lambda: _("Indiquez un nombre entier."),
        "int_parsing_size": lambda: _("Ce nombre est trop grand."),
        "int_from_float": lambda: _("Indiquez un nombre entier, sans décimales."),
        "float_parsing": lambda: _("Indiquez un nombre."),
        "float_type": lambda: _("Indiquez un nombre."),
        "finite_number": lambda: _("Indiquez un nombre fini."),
        "bool_parsing": lambda: _("Indiquez true ou false."),
        "bool_type": lambda: _("Indiquez true ou false."),
        "string_type": lambda: _("Indiquez un texte."),
        "string_too_long": lambda: (
            _("Ce texte tient en %(max)s caractères au plus.") % {"max": ctx.get("max_length")}
        ),
        "string_too_short": lambda: (
            ngettext(
                "Ce texte doit compter au moins %(min)s caractère.",
                "Ce texte doit compter au moins %(min)s caractères.",
                int(ctx.get("min_length") or 0),
            )
            % {"min": ctx.get("min_length")}
        ),
        "string_pattern_mismatch": lambda: _("Ce texte n'a pas la forme attendue."),
        "greater_than_equal": lambda: (
            _("Indiquez une valeur supérieure ou égale à %(v)s.") % {"v": ctx.get("ge")}
        ),
        "greater_than": lambda: _("Indiquez une valeur supérieure à %(v)s.") % {"v": ctx.get("gt")},
        "less_than_equal": lambda: (
            _("Indiquez une valeur inférieure ou égale à %(v)s.") % {"v": ctx.get("le")}
        ),
        "less_than": lambda: _("Indiquez une valeur inférieure à %(v)s.") % {"v": ctx.get("lt")},
        "enum": lambda: (
            _("Valeur inconnue : choisissez parmi %(choices)s.") % {"choices": _choices(ctx)}
        ),
        "literal_error": lambda: (
            _("Valeur inconnue : choisissez parmi %(choices)s.") % {"choices": _choices(ctx)}
        ),
        "list_type": lambda: _("Indiquez une liste."),
        "too_long": lambda: (
            _("Cette liste compte au plus %(max)s éléments.") % {"max": ctx.get("max_length")}
        ),
        "dict_type": lambda: _("Indiquez un objet JSON ({…})."),
        "model_type": lambda: _("Indiquez un objet JSON ({…})."),
        "model_attributes_type": lambda: _("Indiquez un objet JSON ({…})."),
        "json_invalid": lambda: _("Le corps de la requête n'est pas du JSON valide."),
        "json_type": lambda: _("Le corps de la requête n'est pas du JSON valide."),
        "extra_forbidden": lambda: _("Champ inconnu : retirez-le."),
        "url_parsing": lambda: _("Indiquez une adresse web complète (https://…)."),
        "url_scheme": lambda: _("Indiquez une adresse web complète (https://…)."),
        "url_type": lambda: _("Indiquez une adresse web complète (https://…)."),
        "value_error": lambda: _("Valeur invalide."),
        # Our own messages (services' refusals, custom validators) are already French.
        "maillage": lambda: str(error.get("msg", "")),
    }
    make = messages.get(kind)
    return make() if make else _("Valeur invalide.")


def _location(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str | None]:
    """("body", "payload", "capacity") → ("body", "capacity"); the parameter name is dropped."""
    parts = [str(part) for part in loc if part is not None]
    if not parts:
        return "body", None
    where, rest = parts[0], parts[1:]
    if where == "body" and rest and rest[0] in {"payload", "body"}:
        rest = rest[1:]
    if where == "query" and rest and rest[0] in {"filters", "ninja_pagination", "params"}:
        rest = rest[1:]
    return where, ".".join(rest) or None


def validation_error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body: a summary and one French message per field."""
    out = []
    for error in errors:
        location, field = _location(error.get("loc") or ())
        out.append({"location": location, "field": field, "message": _message_for(error)})
    return {
        "detail": _("La requête a été refusée : corrigez les champs indiqués. Rien n'a changé."),
        "errors": out,
    }


# --- Pagination -----------------------------------------------------------------------------

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 10_000


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Éléments par page (au plus {MAX_PAGE_SIZE}).",
    )


class Pagination(PageNumberPagination):
    """Pages of `page_size` items (at most 100) with the total `count`."""

    Input = PageIn

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


# --- Handlers: one per kind of failure, each a JSON body with a French `detail` -------------


def refusal_response(api: NinjaAPI, request: HttpRequest, exc: Refusal) -> HttpResponse:
    """A service's refusal: 422 with the field it concerns, or 409/403 with its sentence."""
    if exc.status == 422:
        field = exc.api_fields.get(exc.field or "", exc.field)
        error = {"loc": ("body", field), "msg": str(exc.message), "type": "maillage"}
        return api.create_response(request, validation_error_body([error]), status=422)
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every failure as JSON with a French `detail` (and `errors` for refused input)."""

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_error_body(exc.errors), status=422)

    def on_refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
        return refusal_response(api, request, exc)

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if request.headers.get("Authorization"):
            detail = _(
                "Ce jeton n'est pas valide : il est inconnu, mal recopié ou révoqué. Créez-en un "
                "sur la page « Mes jetons d'API »."
            )
        else:
            detail = _(
                "Authentification requise : envoyez votre jeton dans l'en-tête "
                "« Authorization: Bearer <jeton> »."
            )
        response = api.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or _(
            "Vous n'avez pas le droit de faire cela : seuls ses gestionnaires le peuvent."
        )
        return api.create_response(request, {"detail": detail}, status=403)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, {"detail": _("Introuvable.")}, status=404)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # django-ninja refuses unreadable JSON with an English 400: say it like other bad input.
            body = validation_error_body([{"loc": ("body",), "type": "json_invalid"}])
            return api.create_response(request, body, status=422)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(Refusal, on_refusal)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(HttpError, on_http_error)


def _anonymous(request: HttpRequest) -> bool:
    """No token: read as an anonymous visitor (or as the person logged in on the site)."""
    return True


def optional(*auth: Any) -> list[Any]:
    """An operation's `auth=` that takes a token when one is sent and reads anonymously
    otherwise (a circle's members-only pages); its schema says both (`security: [{…}, {}]`)."""
    return [*auth, _anonymous]


class MaillageAPI(NinjaAPI):
    """NinjaAPI whose schema documents, on every operation, what any request may meet before
    reaching it: 414 for an over-long query string and 422 for a NUL character in what is sent
    (lib/query_limit.py), and anonymous access where an operation allows it (`optional`)."""

    def _anonymous_operation_ids(self) -> set[str]:
        found = set()
        for bound_router in self._get_bound_routers():
            for path_view in bound_router.path_operations.values():
                for operation in path_view.operations:
                    if _anonymous in (operation.auth_callbacks or ()):
                        found.add(
                            operation.operation_id or self.get_openapi_operation_id(operation)
                        )
        return found

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().get_openapi_schema(*args, **kwargs)
        anonymous = self._anonymous_operation_ids()
        error = {"description": "URI Too Long", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"],
        }}}}  # fmt: skip
        refused = {"description": "Unprocessable Content", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ValidationErrorOut"},
        }}}  # fmt: skip
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ValidationErrorOut",
            ValidationErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"),
        )
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if isinstance(operation, dict) and "responses" in operation:
                    operation["responses"].setdefault(414, error)
                    operation["responses"].setdefault(422, refused)
                    if operation.get("operationId") in anonymous and {} not in operation.get(
                        "security", []
                    ):
                        operation.setdefault("security", []).append({})
        return schema
