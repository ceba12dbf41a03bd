"""Address-book checks: ISO country, US state and ZIP formats, phone numbers valid for the country."""

import re

import phonenumbers
from django.utils.translation import gettext as _
from django_countries import countries

# USPS codes: the states, DC, the inhabited territories and the military "states" (APO/FPO mail).
_USPS_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA "
    "RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP AA AE AP"
)
US_STATES = frozenset(_USPS_CODES.split())
US_ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")


def country_problem(country: str) -> str | None:
    if len(country) != 2 or not countries.alpha2(country):
        return _("Use a two-letter ISO 3166-1 country code, e.g. US or KR.")
    return None


def normalize_phone(phone: str, country: str) -> str:
    """The number in E.164 form (+12135550100); raises ValueError when it isn't a valid number."""
    try:
        parsed = phonenumbers.parse(phone, country or None)
    except phonenumbers.NumberParseException:
        raise ValueError(_("Enter a valid phone number, e.g. +1 213 555 0100.")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(_("Enter a valid phone number, e.g. +1 213 555 0100."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def address_problems(*, country: str, state: str, postal_code: str) -> dict[str, list[str]]:
    """Field errors for a country/state/postal code combination (empty when it is fine)."""
    problems = {}
    if message := country_problem(country):
        return {"country": [message]}
    if country == "US":
        if state.upper() not in US_STATES:
            problems["state"] = [_("Use the two-letter USPS state code, e.g. CA.")]
        if not US_ZIP_RE.match(postal_code):
            problems["postal_code"] = [_("Use a 5-digit ZIP code, optionally with +4 (90010 or 90010-1234).")]
    return problems
