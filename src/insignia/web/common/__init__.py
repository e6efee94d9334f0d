"""Shared pieces of the site: layout templates, the design system, access errors, helpers."""
