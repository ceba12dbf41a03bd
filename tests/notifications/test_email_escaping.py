"""Plain-text email parts are not HTML-escaped; the HTML part still is."""

import pytest
from django.core import mail

from notifications.services import notify

pytestmark = pytest.mark.django_db

MESSAGE = 'Tom & Jerry <b>"bold"</b>'


def html_part(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


@pytest.mark.parametrize(
    "type, payload",
    [
        ("comment.created", {"message": MESSAGE, "title": MESSAGE}),
        ("order.status", {"order": "BD-1", "status": "quoted", "step": 1, "message": MESSAGE, "title": MESSAGE}),
        ("order.payment", {"order": "BD-1", "status": "quoted", "message": MESSAGE, "title": MESSAGE}),
    ],
)
def test_text_part_and_subject_are_raw_html_part_is_escaped(user, django_capture_on_commit_callbacks, type, payload):
    user.first_name = "A&B"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user.pk, type, payload, email=True)
    [email] = mail.outbox
    assert MESSAGE in email.body and "Hello A&B," in email.body
    assert "&amp;" not in email.body and "&lt;" not in email.body
    assert MESSAGE in email.subject and "&amp;" not in email.subject
    html = html_part(email)
    assert "Tom &amp; Jerry &lt;b&gt;" in html and "<b>" not in html
