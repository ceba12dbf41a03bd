from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import StrictSerializer, error_responses
from community.avatars import services as avatars
from community.avatars.models import AvatarRequest

TAGS = ["avatars"]


# Both fields take any JSON so that avatars.validate_answers gives its own messages; the schema says what is valid.
@extend_schema_field({"type": "string", "enum": avatars.SPECIES_KEYS})
class SpeciesField(serializers.JSONField):
    pass


@extend_schema_field(
    {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 3}, "minItems": 4, "maxItems": 4}
)
class AnswersField(serializers.JSONField):
    pass


class AvatarInput(StrictSerializer):
    species = SpeciesField(help_text="One of the species of GET /api/v1/avatar/choices/.")
    answers = AnswersField(help_text="The chosen answer `value` for each of the four questions, in order.")


# --- Output shapes (the views return plain dicts; these describe them) -------------------------------------


class AvatarLabelOutput(serializers.Serializer):
    en = serializers.CharField()
    ko = serializers.CharField()


class AvatarSpeciesOutput(AvatarLabelOutput):
    value = serializers.CharField()


class AvatarAnswerOutput(AvatarLabelOutput):
    value = serializers.IntegerField(help_text="What to send in `answers`.")
    tag = AvatarLabelOutput(help_text="The personality trait this answer stands for.")


class AvatarQuestionOutput(AvatarLabelOutput):
    index = serializers.IntegerField()
    answers = AvatarAnswerOutput(many=True)


class AvatarChoicesOutput(serializers.Serializer):
    species = AvatarSpeciesOutput(many=True)
    questions = AvatarQuestionOutput(many=True)


class AvatarQueuedOutput(serializers.Serializer):
    job = serializers.IntegerField(source="pk", help_text="Named again in the avatar.ready / avatar.failed push.")
    status = serializers.ChoiceField(AvatarRequest.Status.choices)


class MyAvatarOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        [("none", "No request yet"), *AvatarRequest.Status.choices],
        help_text="Of the latest request; `none` before the first one.",
    )
    job = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(help_text="Why the latest request failed; empty otherwise.")
    url = serializers.URLField(allow_null=True, help_text="The current avatar of the community profile.")


class AvatarChoicesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(tags=TAGS, summary="The avatar quiz: species and questions", responses={200: AvatarChoicesOutput})
    def get(self, request):
        return Response(avatars.choices())


class MyAvatarView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="My latest avatar request and current avatar",
        responses={200: MyAvatarOutput, **error_responses(e401="Not signed in.")},
    )
    def get(self, request):
        return Response(avatars.latest(request.user))

    @extend_schema(
        tags=TAGS,
        summary="Draw an avatar from the quiz answers",
        description="The image is drawn in the background; the result arrives as an avatar.ready or "
        "avatar.failed notification (also visible on GET).",
        request=AvatarInput,
        responses={
            202: AvatarQueuedOutput,
            **error_responses(
                e400="Unknown species or not four answers 0-3.",
                e401="Not signed in.",
                e403="CSRF check failed: session-cookie clients must send the X-CSRFToken header.",
                e409="`no_profile`: no community profile yet; `avatar_in_progress`: one is already being drawn.",
                e429=f"More than {avatars.MAX_PER_DAY} avatars in a day (failed ones don't count).",
            ),
        },
    )
    def post(self, request):
        data = AvatarInput(data=request.data)
        data.is_valid(raise_exception=True)
        avatar_request = avatars.request_avatar(user=request.user, **data.validated_data)
        return Response(AvatarQueuedOutput(avatar_request).data, status=202)
