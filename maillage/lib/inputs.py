"""The one input style of write services: a frozen, keyword-only dataclass per kind of write.

A field left out is `UNSET` — "keep what is there" on an update, the model's default on a
creation — so one class serves the form (every field), the API's PATCH (the fields sent) and
code that changes one field, without a mapping of loose keys or `**changes`:

    update_place(place=place, by=manager, data=PlaceData(summary="Ouvert le samedi"))
"""

import dataclasses
from collections.abc import Mapping
from typing import Any, Final, Self


class _Unset:
    """The marker of a field not given (None is a value: "no longitude")."""

    _instance: "_Unset | None" = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()


@dataclasses.dataclass(frozen=True, kw_only=True)
class Input:
    """Base of the write inputs; subclasses declare their fields, each defaulting to UNSET."""

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Self:
        """From a form's cleaned data or an API payload's changes: their own extra keys (a
        confirmation box, a file) are not this write's fields and are left aside."""
        names = set(cls.field_names())
        return cls(**{name: value for name, value in data.items() if name in names})

    def given(self) -> dict[str, Any]:
        """The fields given, by name."""
        return {
            name: value
            for name in self.field_names()
            if (value := getattr(self, name)) is not UNSET
        }

    def assign_to(self, instance: Any) -> None:
        """Set the given fields on a model instance (not saved)."""
        for name, value in self.given().items():
            setattr(instance, name, value)
