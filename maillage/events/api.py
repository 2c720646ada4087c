"""The events part of the JSON API (/api/v1/events/...)."""

from ninja import Router

router = Router()
