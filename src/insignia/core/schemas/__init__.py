"""The 1EdTech Open Badges 3.0 JSON Schemas Insignia ships (data; see :mod:`insignia.core.schema`).

``vc2/`` holds the VCDM 2.0 schemas (gh-pages build of 1EdTech/openbadges-specification at
a4e4e709, ``$id`` ``…-jsonschema1.json``); ``vc1.1/`` holds the VCDM 1.1-era ones (gh-pages
history at 6efe144e, ``$id`` ``…_schema.json``).  Bytes are kept exactly as published and
pinned by SHA-256 in ``index.json`` so that nobody edits a schema to make a badge pass.
"""
