"""Public pages: the home page, issuer pages, badge definitions and shared credentials."""
