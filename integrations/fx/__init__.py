from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Rate:
    krw_per_usd: Decimal
    source: str
    captured_at: datetime


class ExchangeRateBackend(Protocol):
    def current(self) -> Rate: ...
