from django.db import IntegrityError, transaction

from bidangil.errors import InvalidInput

from .models import CommunityProfile
from .nicknames import nickname_key, validate_nickname


def create_profile(*, user, nickname: str) -> CommunityProfile:
    """Create the member's community profile (at sign-up); the nickname must be valid and free."""
    validate_nickname(nickname)
    try:
        with transaction.atomic():
            return CommunityProfile.objects.create(user=user, nickname=nickname, nickname_key=nickname_key(nickname))
    except IntegrityError:
        message = "This nickname is already taken."
        raise InvalidInput(message, code="invalid_nickname", fields={"nickname": [message]}) from None
