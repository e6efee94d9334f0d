"""WSGI entry point for gunicorn: ``gunicorn insignia.web.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insignia.web.settings")

application = get_wsgi_application()
