"""Text messages: `send(to, body)`; `console` writes to the log, `twilio` calls Twilio's REST API."""

from typing import Protocol


class SMSError(Exception):
    """The provider refused or failed to take the message (the job retries)."""


class SMSBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...
