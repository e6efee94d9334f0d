"""The machinery every model class shares: declared JSON properties, checks, JSON in and out.

Each class declares its properties once, with :func:`js` field metadata (OB 3.0 JSON name, kind,
whether it repeats or is required).  From that single declaration we get the construction
checks (wrong type, naive datetime, "not a URL" → :class:`SchemaError` with a stable code),
``to_json`` (exact OB names, arrays for repeating values, nothing for None/empty) and a strict
``from_json`` that reports *where* in the document a value is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, fields
from datetime import UTC, date, datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from insignia.core.errors import SchemaError
from insignia.core.vcdm import (
    as_list,
    format_datetime,
    is_date,
    is_url,
    join_path,
    parse_datetime,
)


class Kind(Enum):
    """How a property's value is checked and serialized."""

    STR = "a non-empty string"
    URI = "a URL/URI string"
    NUMBER = "a finite number"
    BOOL = "a boolean"
    DATETIME = "a timezone-aware datetime"
    DATE = "a date"
    OBJECT = "a JSON object"


#: ``js(..., SELF)`` declares a property holding the declaring class itself (Profile.parentOrg).
SELF = "self"


@dataclass(frozen=True, slots=True)
class Spec:
    """The declaration of one JSON property."""

    json: str
    kind: Kind | type[Model] | str
    many: bool

    def resolve(self, owner: type[Model]) -> Kind | type[Model]:
        """Return the value kind, with :data:`SELF` meaning ``owner``."""
        return owner if isinstance(self.kind, str) else self.kind


def js(json: str, kind: Kind | type[Model] | str, *, many: bool = False) -> dict[str, Spec]:
    """Field metadata declaring the OB 3.0 JSON property ``json`` (use with ``field()``).

    A field without a default is required; ``many`` fields default to ``()``.
    """
    return {"spec": Spec(json, kind, many)}


#: Field metadata marking the field that holds properties the model does not name.
EXTRA: Mapping[str, bool] = MappingProxyType({"extra": True})


def no_extra() -> Mapping[str, Any]:
    """Default for an ``extra``/``extensions`` field: no further properties."""
    return MappingProxyType({})


def fail(owner: str, name: str, message: str, code: str) -> SchemaError:
    """Build the error for a bad value of ``owner.name`` (callers ``raise`` it)."""
    return SchemaError(f"{owner}.{name} {message}", code=code, field=f"{owner}.{name}")


def check_json(value: object, owner: str, name: str, depth: int = 0) -> None:
    """Reject values that are not plain JSON (so ``to_json`` output always serializes)."""
    if depth > 32:
        raise fail(owner, name, "nests too deeply.", "model.not_json")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail(owner, name, "holds a number JSON cannot represent.", "model.not_json")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise fail(owner, name, "has a non-string object key.", "model.not_json")
            check_json(item, owner, name, depth + 1)
        return
    if isinstance(value, list | tuple):
        for item in value:
            check_json(item, owner, name, depth + 1)
        return
    raise fail(owner, name, f"holds a {type(value).__name__}, not JSON.", "model.not_json")


def _check_value(value: object, kind: Kind | type[Model], owner: str, name: str) -> None:
    if isinstance(kind, type):
        if not isinstance(value, kind):
            raise fail(owner, name, f"must be a {kind.__name__}.", "model.wrong_type")
        return
    ok = _kind_ok(kind, value)
    if not ok:
        code = {Kind.URI: "model.not_uri", Kind.DATETIME: "model.naive_datetime"}.get(
            kind, "model.wrong_type"
        )
        if kind is Kind.DATETIME and not isinstance(value, datetime):
            code = "model.wrong_type"
        raise fail(owner, name, f"must be {kind.value}, not {_show(value)}.", code)
    if kind is Kind.OBJECT:
        check_json(value, owner, name)


def _kind_ok(kind: Kind, value: object) -> bool:
    if kind is Kind.STR:
        return isinstance(value, str) and bool(value)
    if kind is Kind.URI:
        return is_url(value)
    if kind is Kind.NUMBER:
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.DATETIME:
        return isinstance(value, datetime) and value.utcoffset() is not None
    if kind is Kind.DATE:
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, Mapping)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Model:
    """Base of the OB 3.0 model classes (each is a frozen, keyword-only dataclass).

    :cvar JSON_TYPE: what ``type`` to emit — a tuple for the array form (``["Profile"]``), a
        string where the schema demands a single string (``"Image"``), None for no ``type``.
    """

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    JSON_TYPE: ClassVar[str | tuple[str, ...] | None] = None
    #: Whether this class's ``extra`` properties need an extension context.  False for the
    #: VC-level parts (status, refresh, terms) whose extras come from their type's context.
    EXTRA_NEEDS_CONTEXT: ClassVar[bool] = True
    #: Fields the OB 3.0.3 context does not define (``endorsementJwt``): using them, like
    #: using ``extra``, needs an extension context that defines the term.
    NEEDS_CONTEXT: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:

        def __init__(self, **kwargs: Any) -> None: ...

    def __post_init__(self) -> None:
        owner = type(self).__name__
        required = self._required()
        for f in fields(self):
            spec = f.metadata.get("spec")
            value = getattr(self, f.name)
            if spec is not None:
                checked = self._checked(value, spec, f.name in required, f.name)
                object.__setattr__(self, f.name, checked)
            elif f.metadata.get("extra"):
                object.__setattr__(self, f.name, self._checked_extra(value, owner, f.name))
        self._check()

    def _checked(self, value: object, spec: Spec, required: bool, name: str) -> object:
        owner = type(self).__name__
        if spec.many:
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
                raise fail(owner, name, "must be a list.", "model.wrong_type")
            if required and not value:
                raise fail(owner, name, "needs at least one item.", "model.missing")
            for item in value:
                _check_value(item, spec.resolve(type(self)), owner, name)
            return tuple(value)
        if value is None:
            if required:
                raise fail(owner, name, "is required.", "model.missing")
            return None
        _check_value(value, spec.resolve(type(self)), owner, name)
        if isinstance(value, datetime):
            # Stored exactly as emitted (UTC, whole seconds), so that comparisons such as
            # valid_from < valid_until hold for the JSON too, and from_json(to_json(x)) == x.
            return value.astimezone(UTC).replace(microsecond=0)
        return value

    def _checked_extra(self, value: object, owner: str, name: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise fail(
                owner,
                name,
                "must be a mapping of property names to JSON values.",
                "model.wrong_type",
            )
        taken = {spec.json for spec in self._specs().values()} | {"type", "@context", "proof"}
        for key in value:
            if not isinstance(key, str) or not key or key in taken or key.startswith("@"):
                raise fail(
                    owner,
                    name,
                    f"cannot set the property {key!r} (the model owns it).",
                    "model.extension_conflict",
                )
        check_json(dict(value), owner, name)
        return MappingProxyType(dict(value))

    def _check(self) -> None:
        """Class-specific rules (enums, patterns, cross-field rules); override as needed."""

    @classmethod
    def _specs(cls) -> dict[str, Spec]:
        return {f.name: f.metadata["spec"] for f in fields(cls) if "spec" in f.metadata}

    @classmethod
    def _required(cls) -> set[str]:
        return {
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        }

    @classmethod
    def _extra_field(cls) -> str | None:
        for f in fields(cls):
            if f.metadata.get("extra"):
                return f.name
        return None

    # --- JSON out --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """Return the OB 3.0 JSON object: exact property names, no None, no empty arrays."""
        out: dict[str, Any] = {}
        specs = self._specs()
        if "id" not in {s.json for s in specs.values()}:
            self._emit_type(out)
        for name, spec in specs.items():
            value = getattr(self, name)
            if value is not None and value != ():
                out[spec.json] = _to_plain(value)
            if spec.json == "id":
                self._emit_type(out)
        extra = self._extra_field()
        if extra is not None:
            out.update(_to_plain(getattr(self, extra)))
        return out

    def _emit_type(self, out: dict[str, Any]) -> None:
        if isinstance(self.JSON_TYPE, tuple):
            out["type"] = list(self.JSON_TYPE)
        elif self.JSON_TYPE is not None:
            out["type"] = self.JSON_TYPE

    def has_extra(self) -> bool:
        """True when this object or one inside it uses properties no OB context defines.

        That is ``extra`` properties, and ``endorsementJwt``: the OB 3.0.3 context published
        in the spec repository does not define it (only the 1EdTech validator's local copy
        does), so JSON-LD processing would drop it from what a Data Integrity proof signs.
        """
        extra = self._extra_field()
        if extra is not None and getattr(self, extra) and self.EXTRA_NEEDS_CONTEXT:
            return True
        if any(getattr(self, name) for name in self.NEEDS_CONTEXT):
            return True
        for name in self._specs():
            for item in as_list(getattr(self, name)):
                if isinstance(item, Model) and item.has_extra():
                    return True
        return False

    # --- JSON in ---------------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: object, path: str = "") -> Self:
        """Read an OB 3.0 JSON object strictly.

        :param path: where ``data`` sits in a larger document (for error messages).
        :raises SchemaError: with the JSON ``path`` of the first bad value.
        """
        where = path or cls.__name__
        if not isinstance(data, Mapping):
            raise SchemaError(f"{where} must be a JSON object.", code="model.not_object", path=path)
        cls._read_type(data, path)
        kwargs: dict[str, Any] = {}
        known = {"type"}
        required = cls._required()
        for name, spec in cls._specs().items():
            known.add(spec.json)
            if spec.json in data:
                kind = spec.resolve(cls)
                kwargs[name] = _read(data[spec.json], kind, spec.many, join_path(path, spec.json))
            elif name in required:
                kwargs[name] = None  # construction reports it as missing, with its path
        unknown = {k: v for k, v in data.items() if k not in known}
        kwargs.update(cls._read_unknown(unknown, path))
        try:
            return cls(**kwargs)
        except SchemaError as exc:
            raise cls._locate(exc, path) from exc

    @classmethod
    def _locate(cls, exc: SchemaError, path: str) -> SchemaError:
        """Re-raise a construction error with the JSON path of the offending property."""
        owner, _, name = str(exc.detail.get("field", "")).partition(".")
        spec = cls._specs().get(name) if owner == cls.__name__ else None
        where = join_path(path, spec.json) if spec is not None else path
        message = exc.message
        if spec is not None:
            message = message.replace(f"{owner}.{name}", where, 1)
            message = message.replace(f"{owner}.", f"{path}." if path else "")
        elif where:
            message = f"{where}: {message}"
        return SchemaError(message, code=exc.code, path=where)

    @classmethod
    def _read_type(cls, data: Mapping[str, Any], path: str) -> None:
        wanted = cls.JSON_TYPE
        if wanted is None:
            return
        types = as_list(data.get("type"))
        needed = list(wanted) if isinstance(wanted, tuple) else [wanted]
        if not all(isinstance(t, str) for t in types) or not set(needed) <= set(types):
            raise SchemaError(
                f"{join_path(path, 'type')} must include {', '.join(needed)}.",
                code="model.wrong_type",
                path=join_path(path, "type"),
            )

    @classmethod
    def _read_unknown(cls, unknown: Mapping[str, Any], path: str) -> dict[str, Any]:
        extra = cls._extra_field()
        if extra is not None:
            return {extra: dict(unknown)} if unknown else {}
        if unknown:
            key = sorted(map(str, unknown))[0]
            raise SchemaError(
                f"{join_path(path, key)} is not an {cls.__name__} property.",
                code="model.unknown_property",
                path=join_path(path, key),
            )
        return {}


def _read(value: object, kind: Kind | type[Model], many: bool, path: str) -> Any:
    if many:
        if not isinstance(value, list):
            raise SchemaError(f"{path} must be an array.", code="model.wrong_type", path=path)
        return [_read_one(v, kind, join_path(path, i)) for i, v in enumerate(value)]
    return _read_one(value, kind, path)


def _read_one(value: object, kind: Kind | type[Model], path: str) -> Any:
    if isinstance(kind, type):
        return kind.from_json(value, path)
    if kind is Kind.DATETIME:
        parsed = parse_datetime(value)
        if parsed is None:
            raise SchemaError(
                f"{path} must be a date-time with a time zone, like 2024-05-01T12:00:00Z.",
                code="model.bad_datetime",
                path=path,
            )
        return parsed
    if kind is Kind.DATE:
        if not is_date(value):
            raise SchemaError(
                f"{path} must be a date like 2001-12-31.", code="model.bad_date", path=path
            )
        assert isinstance(value, str)
        return date.fromisoformat(value)
    return value


def _to_plain(value: object) -> Any:
    if isinstance(value, Model):
        return value.to_json()
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _to_plain(v) for k, v in value.items()}
    return value
