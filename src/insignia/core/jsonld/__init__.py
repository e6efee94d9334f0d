"""JSON-LD for credentials: pinned offline contexts, safe mode, RDFC-1.0 canonical form."""
