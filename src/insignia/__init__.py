"""Insignia: an open-source micro-credential platform built on Open Badges 3.0."""

__version__ = "0.1.0"
