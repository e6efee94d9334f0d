"""The API app's only door into the credential engine (``insignia.core``).

It adapts, it does not sign or verify on its own: the VC-API signs a caller's credential with
the engine's Data Integrity ``sign`` (the same cryptosuite as every badge, see
:mod:`insignia.web.awards.engine`), verifies credentials through the verification app's
adapter, and checks a presentation's own proof with the engine's ``verify_proofs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from insignia.core.errors import InsigniaError
from insignia.core.fetch import Fetcher
from insignia.core.keys import Signer
from insignia.core.proofs import sign
from insignia.core.proofs.model import ProofResult
from insignia.core.proofs.verify import verify_proofs
from insignia.core.resolver import DefaultResolver
from insignia.web.awards.engine import CRYPTOSUITE

__all__ = ["InsigniaError", "ProofResult", "presentation_proofs", "sign_document"]


def sign_document(
    document: Mapping[str, Any], *, signer: Signer, verification_method: str, created: datetime
) -> dict[str, Any]:
    """Add a Data Integrity proof (``eddsa-rdfc-2022``, purpose ``assertionMethod``).

    :raises InsigniaError: when the document cannot be signed (unknown contexts, terms no
        context defines, ambiguous order…); ``code`` says why.
    """
    return sign(
        document,
        signer,
        verification_method=verification_method,
        cryptosuite=CRYPTOSUITE,
        created=created,
    )


def presentation_proofs(presentation: Mapping[str, Any], *, fetcher: Fetcher) -> list[ProofResult]:
    """Check the holder's proofs of a presentation (purpose ``authentication``)."""
    return verify_proofs(
        presentation,
        resolver=DefaultResolver(fetcher=fetcher),
        expected_purpose="authentication",
    )
