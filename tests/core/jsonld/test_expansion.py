"""Our expansion is the standard one: where nothing is lost, it equals pyld's ``expand``.

Safe mode only means something if the expansion it watches is the real one; the later fast
JSON-LD-to-RDF path builds on the same code, so the whole expanded form is compared here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.core.jsonld.test_safemode import vector_documents

from insignia.core.errors import JsonLdError
from insignia.core.jsonld.expansion import Expander
from insignia.core.jsonld.loader import DEFAULT_STORE

pyld = pytest.importorskip("pyld.jsonld")


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": DEFAULT_STORE.document(url)}


def test_expanded_vectors_equal_pyld() -> None:
    compared = 0
    for name, doc in vector_documents():
        expander = Expander(DEFAULT_STORE)
        try:
            ours = expander.run(doc)
        except JsonLdError:
            continue
        if expander.events:
            continue
        theirs = pyld.expand(doc, {"documentLoader": _loader, "base": None})
        assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True), name
        compared += 1
    assert compared > 200


def test_top_level_graph_is_unwrapped() -> None:
    doc = {"@context": {"ex": "https://example.org/"}, "@graph": [{"@id": "ex:a", "ex:p": 1}]}
    assert Expander(DEFAULT_STORE).run(doc) == [
        {"@id": "https://example.org/a", "https://example.org/p": [{"@value": 1}]}
    ]
    assert Expander(DEFAULT_STORE).run({"@context": {}, "@id": "https://x.example"}) == []
