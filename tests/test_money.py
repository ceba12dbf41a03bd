import pytest
from django.template import Context, Template

from bidangil.money import format_krw, format_usd_cents


@pytest.mark.parametrize(
    ("amount", "text"), [(63274, "₩63,274"), (0, "₩0"), (1_000_000, "₩1,000,000"), (-500, "-₩500"), (None, "")]
)
def test_format_krw(amount, text):
    assert format_krw(amount) == text


@pytest.mark.parametrize(
    ("cents", "text"),
    [(2978, "$29.78"), (5, "$0.05"), (0, "$0.00"), (123456789, "$1,234,567.89"), (-250, "-$2.50"), (None, "")],
)
def test_format_usd_cents(cents, text):
    assert format_usd_cents(cents) == text


def test_template_filters():
    rendered = Template("{% load money %}{{ a|krw }} {{ b|usd }}").render(Context({"a": 63274, "b": 2978}))
    assert rendered == "₩63,274 $29.78"
