"""Signing a cohort: many documents, one key, one ``created``, optionally several processes.

What :func:`sign_many` returns is exactly what :func:`~insignia.core.proofs.create.sign`
returns for each document, in order; only the cost differs.  One ``created`` per batch means
one proof configuration, canonicalized once (the suites cache it); documents of one shape
share a compiled template (:mod:`insignia.core.jsonld.shapes`); and with ``processes > 1``
the cohort is split over forked workers that compile the shape before the first chunk.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from insignia.core.errors import InputError
from insignia.core.jsonld.loader import DEFAULT_STORE, ContextStore
from insignia.core.proofs.create import sign
from insignia.core.proofs.model import format_created

if TYPE_CHECKING:
    from insignia.core.keys import Signer

#: Documents sent to a worker at a time: large enough to amortize the hand-over.
CHUNK: Final = 250

_worker: dict[str, Any] = {}


def sign_many(
    documents: Iterable[Mapping[str, Any]],
    signer: Signer,
    *,
    verification_method: str,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | str | None,
    proof_purpose: str = "assertionMethod",
    processes: int = 1,
    store: ContextStore = DEFAULT_STORE,
) -> list[dict[str, Any]]:
    """Sign every document as :func:`~insignia.core.proofs.create.sign` would, in order.

    :param processes: worker processes (forked, so the signer is never serialized); 1 signs
        in this process, as does any platform without ``fork``.
    :raises: the first document's error, in document order, exactly as ``sign`` raises it.
    """
    docs = list(documents)
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        raise InputError("processes must be a positive integer.", code="input.invalid")
    when = format_created(created) if created is not None else None  # one value for all
    options: dict[str, Any] = {
        "verification_method": verification_method,
        "cryptosuite": cryptosuite,
        "created": when,
        "proof_purpose": proof_purpose,
        "store": store,
    }
    if processes == 1 or len(docs) < 2 * CHUNK or "fork" not in _start_methods():
        return [sign(doc, signer, **options) for doc in docs]
    return _in_pool(docs, signer, options, processes)


def _start_methods() -> Sequence[str]:
    return multiprocessing.get_all_start_methods()


def _in_pool(
    docs: list[Mapping[str, Any]], signer: Signer, options: dict[str, Any], processes: int
) -> list[dict[str, Any]]:
    """Sign in forked workers; any document a worker could not sign is signed again here,
    so that its error is raised exactly as ``sign`` raises it."""
    context = multiprocessing.get_context("fork")
    chunks = [docs[i : i + CHUNK] for i in range(0, len(docs), CHUNK)]
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_warm,
        initargs=(signer, options, docs[0]),
    ) as pool:
        signed: list[dict[str, Any] | None] = []
        for part in pool.map(_sign_chunk, chunks):
            signed.extend(part)
    return [
        result if result is not None else sign(doc, signer, **options)
        for doc, result in zip(docs, signed, strict=True)
    ]


def _warm(signer: Signer, options: dict[str, Any], sample: Mapping[str, Any]) -> None:
    """Worker start: keep the signer and compile the cohort's shape before any chunk."""
    _worker["signer"] = signer
    _worker["options"] = options
    with contextlib.suppress(Exception):  # its error is raised by the parent, in order
        sign(sample, signer, **options)


def _sign_chunk(docs: list[Mapping[str, Any]]) -> list[dict[str, Any] | None]:
    signer, options = _worker["signer"], _worker["options"]
    out: list[dict[str, Any] | None] = []
    for doc in docs:
        try:
            out.append(sign(doc, signer, **options))
        except Exception:  # signed again by the parent to raise it there
            out.append(None)
    return out
