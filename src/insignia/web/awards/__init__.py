"""Awards: issuing signed credentials, status lists (revocation), and claiming by recipients."""
