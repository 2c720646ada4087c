"""The circles part of the JSON API (/api/v1/circles/...)."""

from ninja import Router

router = Router()
