"""Issuer REST API (django-ninja): per-organisation API tokens with scopes; the VC-API."""
