"""Account code emails: the plain-text part and subject are not HTML-escaped, the HTML part is."""

import pytest
from django.core import mail

from accounts.emails import send_code_email
from accounts.models import EmailCode


@pytest.mark.parametrize("purpose", [EmailCode.Purpose.SIGNUP, EmailCode.Purpose.PASSWORD_RESET])
def test_text_part_is_not_escaped(purpose):
    send_code_email(email="o'neil&co@example.com", code="<12&34>", purpose=purpose)
    [email] = mail.outbox
    assert "o'neil&co@example.com" in email.body and "<12&34>" in email.body
    assert "&amp;" not in email.body and "&#x27;" not in email.body
    assert email.subject.startswith("<12&34>")
    html = next(content for content, mimetype in email.alternatives if mimetype == "text/html")
    assert "&lt;12&amp;34&gt;" in html
