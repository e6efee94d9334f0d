"""Operating the platform: backup and restore."""
