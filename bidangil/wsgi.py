"""The production HTTP application, served by gunicorn (deploy/gunicorn.conf.py) with the request body limit."""

import os

from django.core.wsgi import get_wsgi_application

from bidangil.body_limit import RequestBodyLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidangil.settings.dev")
application = RequestBodyLimit(get_wsgi_application())
