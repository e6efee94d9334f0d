"""Achievements: badge definitions, their immutable published versions, skills and images."""
