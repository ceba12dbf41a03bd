from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def user_group(user_id: int) -> str:
    return f"user_{user_id}"


def push_to_user(user_id: int, message: dict) -> None:
    """Send one message to every socket of a user (all tabs)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(user_group(user_id), {"type": "push.message", "message": message})
