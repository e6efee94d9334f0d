"""Learners' data export and account deletion."""
