"""The JSON-LD contexts Insignia ships (data only; see :mod:`insignia.core.jsonld.loader`)."""
