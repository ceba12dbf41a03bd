"""The AI provider: structured product extraction and avatar images.

`openai` calls OpenAI through the official SDK; `dummy` answers offline (canned extraction, a PNG drawn locally).
"""

from dataclasses import dataclass
from typing import Protocol


class AIError(Exception):
    """The provider failed. `retryable` errors (timeouts, 429, 5xx, garbled output) are worth another try."""

    retryable = True

    def __init__(self, message: str, *, retryable: bool | None = None):
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class AIRefused(AIError):
    """The provider declined the request (content policy): trying again will not help."""

    retryable = False


@dataclass
class ProductGuess:
    name: str
    price_krw: int | None = None
    image: str = ""


class AIBackend(Protocol):
    def extract_product(self, *, url: str, page_text: str) -> ProductGuess: ...

    def generate_image(self, *, prompt: str) -> bytes: ...
