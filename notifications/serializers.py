from django.utils.translation import gettext as _
from rest_framework import serializers

from bidangil.api.serializers import MAX_ID, StrictSerializer

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "type", "payload", "created_at", "read_at", "read"]
        extra_kwargs = {
            "type": {"help_text": "e.g. `order.status`, `avatar.ready`; the same as the WebSocket message's type."},
            "payload": {"help_text": "The rest of the pushed message; its keys depend on `type`."},
        }

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadInput(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Notifications to mark read (others' ids are ignored).",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every unread notification read.")

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError(_("Send `ids` (a list of notification ids) or `all: true`."))
        return attrs


class MarkReadOutput(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many notifications changed from unread to read.")
    unread = serializers.IntegerField(help_text="Unread notifications left.")
