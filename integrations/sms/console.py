import logging

logger = logging.getLogger("bidangil.sms")


class ConsoleSMSBackend:
    """Writes text messages to the log instead of sending them; `sent` keeps them for tests and the demo."""

    sent: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.sent.append((to, body))
        logger.info("SMS to %s: %s", to, body)
