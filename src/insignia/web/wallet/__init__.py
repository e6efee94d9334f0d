"""The learner's wallet: their badges, what is public, and downloads."""
