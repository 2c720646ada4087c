"""The JSON API under /api/v1/: one NinjaAPI, one router per app (each app's api.py)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Maillage API",
    version="1.0.0",
    description="Annuaire des tiers-lieux : lieux, espaces, équipements, réseaux, communes.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
