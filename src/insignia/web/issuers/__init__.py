"""Issuers: organisations, their staff roles and their signing keys (encrypted at rest)."""
