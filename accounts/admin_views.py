"""The admin's own password changes (Wagtail account page, Wagtail password reset, Django admin), each
signing the account out of its other sessions, tokens and sockets as the API does."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import account

from bidangil.api.throttling import EmailScopedThrottle, ScopedThrottle

from . import services
from .lockout import clear_lockout


def revoke_if_password_changed(request, user, old_password_hash: str) -> None:
    """After a form saved `user`: when its password hash moved, sign the account out everywhere else."""
    if user.password != old_password_hash:
        own = request.user.is_authenticated and request.user.pk == user.pk
        services.revoke_credentials(user_id=user.pk, keep_session_key=request.session.session_key if own else None)


class AccountView(account.AccountView):
    def post(self, request):
        old_password_hash = request.user.password
        response = super().post(request)
        revoke_if_password_changed(request, request.user, old_password_hash)
        return response


class PasswordResetConfirmView(account.PasswordResetConfirmView):
    def form_valid(self, form):
        old_password_hash = form.user.password
        response = super().form_valid(form)
        revoke_if_password_changed(self.request, form.user, old_password_hash)
        clear_lockout(form.user.email)
        return response


class PasswordResetView(account.PasswordResetView):
    """Wagtail's reset request, limited like the API's code requests: per client IP and per address."""

    throttle_scope = "code"
    RATE_LIMITED = _lazy("Too many reset requests. Try again in a minute.")

    def post(self, request, *args, **kwargs):
        for throttle in (ScopedThrottle(), EmailScopedThrottle()):
            if not throttle.allow_request(request, self):
                return render(request, "accounts/locked_out.html", {"message": self.RATE_LIMITED}, status=429)
        return super().post(request, *args, **kwargs)


account_view = require_admin_access(AccountView.as_view())
password_reset_view = PasswordResetView.as_view()
password_reset_confirm_view = PasswordResetConfirmView.as_view()
