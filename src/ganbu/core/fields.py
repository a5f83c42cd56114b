"""A model field that keeps a value encrypted at rest (SM4) with a blind index for lookups.

Callers keep reading and writing plaintext (``person.id_number``); ``filter(field=x)`` and
``filter(field__in=[…])`` compare blind indexes; other lookups are refused, since they could only
compare ciphertext. See :mod:`ganbu.core.crypto`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup
from django.db.models.functions import Substr

from ganbu.core import crypto


class SealedCharField(models.CharField):
    description = "SM4-encrypted text with a blind index"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return crypto.unseal(value) if value else value

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return crypto.unseal(value) if isinstance(value, str) and crypto.is_sealed(value) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or crypto.is_sealed(value):
            return value
        return crypto.seal(value)


def blind_of(lhs: Any) -> Any:
    return Substr(lhs, 1, crypto.INDEX_LEN)


@SealedCharField.register_lookup
class SealedExact(Lookup):
    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self.rhs:
            lhs, params = compiler.compile(self.lhs)
            return f"{lhs} = %s", [*params, self.rhs or ""]
        lhs, params = compiler.compile(blind_of(self.lhs))
        return f"{lhs} = %s", [*params, crypto.blind_index(str(self.rhs))]


@SealedCharField.register_lookup
class SealedIn(Lookup):
    lookup_name = "in"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        values = [crypto.blind_index(str(v)) for v in self.rhs if v]
        if not values:
            raise EmptyResultSet
        lhs, params = compiler.compile(blind_of(self.lhs))
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]
