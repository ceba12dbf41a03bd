"""`make run`: everything embedded and offline."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The dummy carrier moves a parcel one scan per poll: poll often so a demo parcel reaches "delivered" in minutes.
TRACKING_POLL_INTERVAL_MINUTES = env.int("TRACKING_POLL_INTERVAL_MINUTES", default=2)
