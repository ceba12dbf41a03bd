"""Account API: views parse input, call one service or selector, and serialize the result."""

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bidangil.api.serializers import error_responses
from bidangil.api.throttling import EmailScopedThrottle, ScopedThrottle

from . import privacy, selectors, services
from .language import signup_language
from .models import Address
from .permissions import BrowserCsrf
from .serializers import (
    AddressSerializer,
    CloseAccountInput,
    CsrfTokenOutput,
    DetailOutput,
    EmailInput,
    LoginInput,
    LoginOutput,
    MemberExportOutput,
    PasswordChangeInput,
    PasswordChangeOutput,
    PasswordResetConfirmInput,
    SignupInput,
    SignupOutput,
    UserSerializer,
    VerifyInput,
    VerifyOutput,
)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _me(user_id: int) -> dict:
    return UserSerializer(selectors.get_me(user_id=user_id)).data


class PublicAuthView(APIView):
    """Open before sign-in: CSRF required from browsers, throttled per client IP and per email."""

    permission_classes = [BrowserCsrf]
    throttle_classes = [ScopedThrottle, EmailScopedThrottle]


class CsrfTokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], responses=CsrfTokenOutput, summary="Set the csrftoken cookie and return its token")
    def get(self, request):
        return Response(CsrfTokenOutput({"csrfToken": get_token(request._request)}).data)


class SignupView(PublicAuthView):
    throttle_scope = "signup"

    @extend_schema(tags=["auth"], request=SignupInput, responses={201: SignupOutput, **error_responses(400, 429, 503)})
    def post(self, request):
        data = _valid(SignupInput, request)
        services.sign_up(**data, language=signup_language())
        detail = _("We emailed %(email)s. Enter the 6-digit code with your password to activate your account.") % {
            "email": data["email"]
        }
        return Response(SignupOutput({"email": data["email"], "detail": detail}).data, status=status.HTTP_201_CREATED)


class VerifyView(PublicAuthView):
    throttle_scope = "code"

    @extend_schema(
        tags=["auth"],
        request=VerifyInput,
        summary="Activate the account with the emailed code and the password it was signed up with",
        responses={200: VerifyOutput, **error_responses(400, 429)},
    )
    def post(self, request):
        user = services.verify_email(**_valid(VerifyInput, request))
        return Response(VerifyOutput({"user": selectors.get_me(user_id=user.pk)}).data)


class EmailCodeView(PublicAuthView):
    # Emails a code to an address; the answer is the same whether or not an account has it, so
    # the endpoint cannot be used to find out who has an account. `service` sends, `detail` says so.
    throttle_scope = "code"
    service = None
    detail = ""

    @extend_schema(tags=["auth"], request=EmailInput, responses={202: DetailOutput, **error_responses(400, 429)})
    def post(self, request):
        self.service(**_valid(EmailInput, request))
        return Response(DetailOutput({"detail": self.detail}).data, status=status.HTTP_202_ACCEPTED)


class ResendView(EmailCodeView):
    service = staticmethod(services.resend_verification)
    detail = _lazy("If this email belongs to an account waiting for verification, a new code is on its way.")


class LoginView(PublicAuthView):
    throttle_scope = "login"

    @extend_schema(tags=["auth"], request=LoginInput, responses={200: LoginOutput, **error_responses(400, 403, 429)})
    def post(self, request):
        data = _valid(LoginInput, request)
        user, token = services.log_in(request=request._request, **data)
        # Sign-in rotates the CSRF token; the new one is returned so a single-page client can keep going.
        return Response(
            LoginOutput(
                {
                    "user": selectors.get_me(user_id=user.pk),
                    "token": token.key,
                    "csrfToken": get_token(request._request),
                }
            ).data
        )


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request):
        token = request.auth if isinstance(request.auth, Token) else None
        services.log_out(request=request._request, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(EmailCodeView):
    service = staticmethod(services.request_password_reset)
    detail = _lazy("If this email belongs to an account, a password reset code is on its way.")


class PasswordResetConfirmView(PublicAuthView):
    throttle_scope = "code"

    @extend_schema(
        tags=["auth"], request=PasswordResetConfirmInput, responses={200: DetailOutput, **error_responses(400, 429)}
    )
    def post(self, request):
        services.reset_password(**_valid(PasswordResetConfirmInput, request))
        return Response(DetailOutput({"detail": _("Your password has been changed. Sign in with the new one.")}).data)


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"

    @extend_schema(
        tags=["auth"], request=PasswordChangeInput, responses={200: PasswordChangeOutput, **error_responses(400, 429)}
    )
    def post(self, request):
        data = _valid(PasswordChangeInput, request)
        token = services.change_password(request=request._request, user=request.user, **data)
        return Response(PasswordChangeOutput({"token": token.key}).data)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["me"], responses=UserSerializer)
    def get(self, request):
        return Response(_me(request.user.pk))

    @extend_schema(tags=["me"], request=UserSerializer, responses={200: UserSerializer, **error_responses(400)})
    def patch(self, request):
        serializer = UserSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_me(user=request.user, **serializer.validated_data)
        return Response(_me(request.user.pk))


@extend_schema(tags=["me"])
class AddressListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AddressSerializer
    queryset = Address.objects.none()  # tells the schema the model; requests use get_queryset

    def get_queryset(self):
        return selectors.list_addresses(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.create_address(user=self.request.user, **serializer.validated_data)


@extend_schema(tags=["me"])
class AddressDetailView(generics.RetrieveUpdateDestroyAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AddressSerializer
    queryset = Address.objects.none()
    http_method_names = ["get", "patch", "delete", "options"]

    def get_object(self):
        return selectors.get_address(user=self.request.user, address_id=self.kwargs["pk"])

    def perform_update(self, serializer):
        serializer.instance = services.update_address(
            user=self.request.user, address_id=serializer.instance.pk, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_address(user=self.request.user, address_id=instance.pk)


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        responses={200: MemberExportOutput, **error_responses(403)},
        summary="Download everything stored about me (account, addresses, orders, community, messages) as JSON",
    )
    def get(self, request):
        response = Response(privacy.build_export(request=request, user=request.user))
        response["Content-Disposition"] = 'attachment; filename="bidangil-my-data.json"'
        response["Cache-Control"] = "no-store"
        return response


class CloseAccountView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "login"  # a password check: guessed like a sign-in

    @extend_schema(
        tags=["me"],
        request=CloseAccountInput,
        responses={204: None, **error_responses(400, 403, 409, 429)},
        summary="Close my account: personal data is erased, every session, token and socket ends",
    )
    def post(self, request):
        privacy.close_account(request=request._request, user=request.user, **_valid(CloseAccountInput, request))
        return Response(status=status.HTTP_204_NO_CONTENT)
