"""Profiles (issuers, creators, endorsers) and the small objects they carry.

A Profile is what an employer reads first ("who says so?"), so the issuer Profile we embed
carries at least id, name, url and email (standards notes DM-21).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from insignia.core.model._base import EXTRA, SELF, Kind, Model, fail, js, no_extra
from insignia.core.model.enums import IDENTIFIER_TYPES, check_term

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
#: Compact JWS (header.payload.signature), as the schema's ``endorsementJwt`` pattern.
COMPACT_JWS = re.compile(r"[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Image(Model):
    """An image: an ``https:`` URL or a ``data:`` URI, with an optional caption."""

    JSON_TYPE = "Image"
    id: str = field(metadata=js("id", Kind.URI))
    caption: str | None = field(default=None, metadata=js("caption", Kind.STR))


@dataclass(frozen=True, slots=True, kw_only=True)
class GeoCoordinates(Model):
    """A point on Earth, in decimal degrees."""

    JSON_TYPE = "GeoCoordinates"
    latitude: float = field(metadata=js("latitude", Kind.NUMBER))
    longitude: float = field(metadata=js("longitude", Kind.NUMBER))

    def _check(self) -> None:
        if not -90 <= self.latitude <= 90:
            raise fail("GeoCoordinates", "latitude", "must be within ±90.", "model.out_of_range")
        if not -180 <= self.longitude <= 180:
            raise fail("GeoCoordinates", "longitude", "must be within ±180.", "model.out_of_range")


@dataclass(frozen=True, slots=True, kw_only=True)
class Address(Model):
    """A postal address (schema.org terms, as OB 3.0 uses them)."""

    JSON_TYPE = ("Address",)
    address_country: str | None = field(default=None, metadata=js("addressCountry", Kind.STR))
    address_country_code: str | None = field(
        default=None, metadata=js("addressCountryCode", Kind.STR)
    )
    address_region: str | None = field(default=None, metadata=js("addressRegion", Kind.STR))
    address_locality: str | None = field(default=None, metadata=js("addressLocality", Kind.STR))
    street_address: str | None = field(default=None, metadata=js("streetAddress", Kind.STR))
    post_office_box_number: str | None = field(
        default=None, metadata=js("postOfficeBoxNumber", Kind.STR)
    )
    postal_code: str | None = field(default=None, metadata=js("postalCode", Kind.STR))
    geo: GeoCoordinates | None = field(default=None, metadata=js("geo", GeoCoordinates))

    def _check(self) -> None:
        code = self.address_country_code
        if code is not None and not _COUNTRY_CODE.fullmatch(code):
            raise fail(
                "Address",
                "address_country_code",
                "must be an ISO 3166-1 alpha-2 code such as 'DE'.",
                "model.bad_pattern",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifierEntry(Model):
    """Another identifier of a profile or achievement (a national id, a sourcedId…)."""

    JSON_TYPE = "IdentifierEntry"
    identifier: str = field(metadata=js("identifier", Kind.STR))
    identifier_type: str = field(metadata=js("identifierType", Kind.STR))

    def _check(self) -> None:
        check_term(self.identifier_type, IDENTIFIER_TYPES, "IdentifierEntry.identifier_type")


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile(Model):
    """An issuer, creator, endorser or source (OB 3.0 ``Profile``).

    :param endorsement: signed EndorsementCredential documents (JSON objects) about this profile.
    :param extra: further properties, defined by an extension context the credential adds.
    """

    JSON_TYPE = ("Profile",)
    NEEDS_CONTEXT = frozenset({"endorsement_jwt"})
    id: str = field(metadata=js("id", Kind.URI))
    name: str | None = field(default=None, metadata=js("name", Kind.STR))
    url: str | None = field(default=None, metadata=js("url", Kind.URI))
    email: str | None = field(default=None, metadata=js("email", Kind.STR))
    phone: str | None = field(default=None, metadata=js("phone", Kind.STR))
    description: str | None = field(default=None, metadata=js("description", Kind.STR))
    image: Image | None = field(default=None, metadata=js("image", Image))
    address: Address | None = field(default=None, metadata=js("address", Address))
    other_identifier: Sequence[IdentifierEntry] = field(
        default=(), metadata=js("otherIdentifier", IdentifierEntry, many=True)
    )
    official: str | None = field(default=None, metadata=js("official", Kind.STR))
    parent_org: Profile | None = field(default=None, metadata=js("parentOrg", SELF))
    given_name: str | None = field(default=None, metadata=js("givenName", Kind.STR))
    family_name: str | None = field(default=None, metadata=js("familyName", Kind.STR))
    additional_name: str | None = field(default=None, metadata=js("additionalName", Kind.STR))
    patronymic_name: str | None = field(default=None, metadata=js("patronymicName", Kind.STR))
    honorific_prefix: str | None = field(default=None, metadata=js("honorificPrefix", Kind.STR))
    honorific_suffix: str | None = field(default=None, metadata=js("honorificSuffix", Kind.STR))
    family_name_prefix: str | None = field(default=None, metadata=js("familyNamePrefix", Kind.STR))
    date_of_birth: date | None = field(default=None, metadata=js("dateOfBirth", Kind.DATE))
    endorsement: Sequence[Mapping[str, Any]] = field(
        default=(), metadata=js("endorsement", Kind.OBJECT, many=True)
    )
    endorsement_jwt: Sequence[str] = field(
        default=(), metadata=js("endorsementJwt", Kind.STR, many=True)
    )
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)

    def _check(self) -> None:
        if self.email is not None and not _EMAIL.fullmatch(self.email):
            raise fail("Profile", "email", "is not an email address.", "model.bad_email")
        for token in self.endorsement_jwt:
            if not COMPACT_JWS.fullmatch(token):
                raise fail(
                    "Profile",
                    "endorsement_jwt",
                    "holds a value that is not a compact JWS.",
                    "model.bad_pattern",
                )
