"""Issuers' webhook subscriptions: signed (HMAC) event deliveries with retries and a log."""
