"""Django's own admin (/django-admin/) is a superuser's tool; staff and editors work in the Wagtail admin."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm


class SuperuserLoginForm(AdminAuthenticationForm):
    """Anyone else gets the same answer as a wrong password and no session."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise self.get_invalid_login_error()


class AdminSite(admin.AdminSite):
    login_form = SuperuserLoginForm

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def password_change(self, request, extra_context=None):
        from accounts.admin_views import revoke_if_password_changed

        old_password_hash = request.user.password
        response = super().password_change(request, extra_context)
        revoke_if_password_changed(request, request.user, old_password_hash)
        return response
