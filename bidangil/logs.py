"""Logging pieces the settings refer to."""

import logging


class WithoutTraceback(logging.Filter):
    """Keeps the record and drops its traceback.

    For the client errors Django logs at ERROR under `django.security` (a foreign Host header, a body over the
    memory bound, too many fields): each is answered with a 4xx and is worth one line in the log, not a stack.
    """

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True
