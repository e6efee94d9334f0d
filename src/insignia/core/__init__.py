"""The credential engine: Open Badges 3.0 / W3C VC 2.0 documents, keys, proofs, status and baking.

Nothing below this package imports Django or touches the network or the clock on its own:
time (``now``) and fetching (a :class:`~insignia.core.resolver.Fetcher`) are always passed in,
so that a credential verifies the same way in a test, in the CLI and on the web.
"""
