"""Wagtail admin for the order conversation: the conversation screen of one order (read it, reply with text,
a reply template and images, mark the customer's messages read) and the Reply templates snippet.

Imported by commerce.wagtail_hooks; registers its own admin URLs (`commerce_order_conversation`,
`commerce_order_conversation_read`). The reply form calls the same service as the staff API.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from commerce import limits
from commerce.admin.orders import action_view, order_staff_required
from commerce.admin.shipping import MultipleFileField, MultipleFileInput
from commerce.conversations import selectors, services
from commerce.conversations.models import ReplyTemplate
from commerce.orders.models import Order

IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class MessageForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.all(),
        required=False,
        label=_lazy("Reply template"),
        help_text=_lazy("Sent as written when the message below is left empty."),
    )
    body = forms.CharField(
        label=_lazy("Message to the customer"),
        required=False,
        max_length=limits.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    images = MultipleFileField(
        required=False,
        widget=MultipleFileInput(attrs={"accept": IMAGE_TYPES}),
        help_text=format_lazy(_lazy("Up to {} PNG, JPEG, WebP or GIF images."), limits.MESSAGE_MAX_IMAGES),
    )


def _reply(order, user, form):
    template = form.cleaned_data["template"]
    services.post_message(
        order_id=order.pk,
        author=user,
        body=form.cleaned_data["body"],
        images=form.cleaned_data["images"],
        from_staff=True,
        template_id=template.pk if template else None,
    )


conversation_view = action_view(
    MessageForm,
    _lazy("Send message"),
    _reply,
    success=_lazy("Message sent to the customer of {number}."),
    extra=lambda order: {"conversation": list(selectors.order_messages(order.pk))},
    template="commerce/admin/conversation.html",
)


@require_POST
@order_staff_required
def mark_read_view(request, pk: int):
    order = get_object_or_404(Order, pk=pk)
    updated = services.mark_read(order_id=order.pk, by_staff=True)
    messages.success(
        request, _("%(updated)s message(s) marked read on %(number)s.") % {"updated": updated, "number": order.number}
    )
    return redirect("commerce_order_conversation", pk=order.pk)


@hooks.register("register_admin_urls")
def conversation_admin_urls():
    return [
        path("orders/<int:pk>/messages/", conversation_view, name="commerce_order_conversation"),
        path("orders/<int:pk>/messages/read/", mark_read_view, name="commerce_order_conversation_read"),
    ]


class ReplyTemplateViewSet(SnippetViewSet):
    model = ReplyTemplate
    icon = "openquote"
    menu_label = _lazy("Reply templates")
    list_display = ["title", "body"]
    search_fields = ["title", "body"]
    search_backend_name = None


register_snippet(ReplyTemplateViewSet)
