"""The OB 3.0 API's door into the credential engine: reading the compact JWS out of what a
learner imported (as a JWT, or baked into an image), so the API hands it over as signed."""

from __future__ import annotations

from insignia.core.baking import unbake
from insignia.core.errors import InsigniaError
from insignia.core.inputs import looks_like_jws


def compact_jws(original: bytes, media: str) -> str | None:
    """The compact JWS an imported VC-JWT badge was made of, or None when there is none."""
    if media == "jwt":
        text = original.decode("utf-8", errors="replace").strip()
        return text if looks_like_jws(text) else None
    if media in {"png", "svg"}:
        try:
            baked = unbake(original)
        except InsigniaError:
            return None
        return baked.payload if baked.kind == "jws" else None
    return None


def is_compact_jws(text: str) -> bool:
    """Whether ``text`` has the shape of a compact JWS (three base64url parts)."""
    return looks_like_jws(text.strip())
