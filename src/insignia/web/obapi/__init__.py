"""The 1EdTech Open Badges 3.0 API at /ims/ob/v3p0/ with OAuth 2.0 (django-oauth-toolkit)."""
