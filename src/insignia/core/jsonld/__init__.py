"""JSON-LD for credentials: pinned offline contexts, safe-mode term checks, RDFC-1.0 canonical form."""
