"""A mail backend that fails like an unreachable SMTP server, for the 'mail could not be sent' paths."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class DatabaseEmailBackend(BaseEmailBackend):
    """Stores each message's recipient and body as a row of `test_sent_mail` (created by the test).

    The insert joins the sender's transaction, like an outbox table, so a test can count each effect exactly.
    """

    def send_messages(self, email_messages):
        from django.db import connection

        with connection.cursor() as cursor:
            for message in email_messages:
                cursor.execute(
                    "INSERT INTO test_sent_mail (recipient, body) VALUES (%s, %s)", [message.to[0], message.body]
                )
        return len(email_messages)
