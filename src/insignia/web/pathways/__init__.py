"""Stackable credentials: pathways of requirements that lead to a goal badge."""
