from typing import Protocol


class SMSBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...
