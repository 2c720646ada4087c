"""The JSON API under /api/v1/: one NinjaAPI, one router per app (each app's api.py).

Reads are public. Writes need a personal token (`Authorization: Bearer <jeton>`, created on
/moi/jetons/) and follow the same permissions and services as the pages. Every error is JSON with
a French `detail` sentence; refused input (422) also lists `errors`, one French message per field.
This module only assembles: the error bodies, handlers and pagination are in `lib/api.py`, the
token authentication in `accounts/api_auth.py`.
"""

from maillage.circles.api import router as circles_router
from maillage.commons.api import router as commons_router
from maillage.commons.campaign_api import orientations_router
from maillage.commons.campaign_api import router as campaigns_router
from maillage.commons.need_api import router as needs_router
from maillage.communication import api as communication_api
from maillage.directory.api import router as places_router
from maillage.events.api import router as events_router
from maillage.governance import api as governance_api
from maillage.lib.api import MaillageAPI, install_error_handlers
from maillage.mobility.api import router as mobility_router
from maillage.networks.api import router as networks_router
from maillage.observatory.api import router as observatory_router
from maillage.opportunities.api import router as opportunities_router
from maillage.services.api import router as services_router
from maillage.territory.api import router as territory_router

api = MaillageAPI(
    title="Maillage API",
    version="1.0.0",
    description=(
        "Annuaire des tiers-lieux : lieux, espaces, équipements, réseaux, communes.\n\n"
        "La lecture est publique. Les écritures demandent un jeton personnel (créé sur "
        "/moi/jetons/), envoyé dans l'en-tête `Authorization: Bearer <jeton>` ; elles ne "
        "concernent que les lieux que vous gérez. Les listes sont paginées (`page`, "
        "`page_size` ≤ 100) et donnent le nombre total (`count`). Chaque erreur est un objet "
        "JSON dont `detail` explique en français ce qui ne va pas ; une requête refusée (422) "
        "liste aussi `errors`, un message par champ ; une demande que l'état des choses "
        "empêche (séance complète, clé déjà utilisée) reçoit 409. Un texte contenant le "
        "caractère nul (\\0), dans un paramètre ou dans le corps, est refusé (422) ; un texte "
        "d'une seule ligne (nom, titre, adresse…) qui contient un saut de ligne, une "
        "tabulation ou un autre caractère de contrôle (U+0000–U+001F, U+007F–U+009F, "
        "U+2028, U+2029) l'est aussi, avec un message à côté du champ ; un texte fait seulement "
        "d'espaces compte comme vide."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/", places_router, tags=["Lieux, espaces, équipements"])
api.add_router("/networks", networks_router, tags=["Réseaux"])
api.add_router("/communes", territory_router, tags=["Communes"])
api.add_router("/mobility", mobility_router, tags=["Mobilité"])
api.add_router("/circles", circles_router, tags=["Cercles territoriaux"])
api.add_router("/events", events_router, tags=["Animations"])
api.add_router("/commons", commons_router, tags=["Communs"])
api.add_router("/permanences", communication_api.permanences, tags=["Animation"])
api.add_router("/resources", communication_api.resources, tags=["Communication"])
api.add_router("/cases", communication_api.cases, tags=["Communication"])
api.add_router("/needs", needs_router, tags=["Besoins prioritaires"])
api.add_router("/campaigns", campaigns_router, tags=["Campagnes de cofinancement"])
api.add_router("/orientations", orientations_router, tags=["Aiguillage"])
api.add_router("/debates", governance_api.debates, tags=["Gouvernance"])
api.add_router("/proposals", governance_api.proposals, tags=["Gouvernance"])
api.add_router("/fees", governance_api.fees, tags=["Cotisations"])
api.add_router("/volunteering", governance_api.volunteering_api, tags=["Bénévolat"])
api.add_router("/charters", governance_api.charters, tags=["Gouvernance"])
api.add_router("/elections", governance_api.elections_router, tags=["Gouvernance"])
api.add_router("/delegates", governance_api.delegates_router, tags=["Gouvernance"])
api.add_router("/observatory", observatory_router, tags=["Observatoire"])
# /services, /accompanists, /support-requests, /peer-groups, /places/{id}/similar
api.add_router("/", services_router, tags=["Services et accompagnement"])
api.add_router("/", opportunities_router, tags=["Appels et réponses"])
