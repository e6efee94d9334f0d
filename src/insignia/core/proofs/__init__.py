"""Data Integrity proofs: sign with ``eddsa-rdfc-2022`` / ``eddsa-jcs-2022``, verify those and
the legacy ``Ed25519Signature2020``, including proof sets and proof chains.

The public face of the package; see :mod:`.create`, :mod:`.batch` (cohorts), :mod:`.verify`
and :mod:`.suites`.
"""

from insignia.core.proofs.batch import sign_many
from insignia.core.proofs.create import canonical_document, canonical_proof_config, sign
from insignia.core.proofs.model import ProofResult
from insignia.core.proofs.suites import SUITES, Suite, suite_for, suite_named
from insignia.core.proofs.verify import verify_proofs

__all__ = [
    "SUITES",
    "ProofResult",
    "Suite",
    "canonical_document",
    "canonical_proof_config",
    "sign",
    "sign_many",
    "suite_for",
    "suite_named",
    "verify_proofs",
]
