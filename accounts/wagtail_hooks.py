"""Admin hooks: the two-factor pages, and signing an account out everywhere when a superuser changes its
password or deactivates it in Wagtail's user editor."""

from django.urls import path
from wagtail import hooks

from . import services, two_factor
from .admin_views import revoke_if_password_changed


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/setup/", two_factor.setup_view, name="two_factor_setup"),
        path("two-factor/verify/", two_factor.verify_view, name="two_factor_verify"),
    ]


@hooks.register("before_edit_user")
def remember_credentials(request, user):
    request.edited_user_before = (user.password, user.is_active)


@hooks.register("after_edit_user")
def revoke_changed_credentials(request, user):
    password_hash, was_active = request.edited_user_before
    if was_active and not user.is_active:
        services.revoke_credentials(user_id=user.pk)
    else:
        revoke_if_password_changed(request, user, password_hash)
