"""The Wagtail admin's sign-in and password reset forms, limited to people who may use the admin."""

from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

ADMIN_ACCESS = "wagtailadmin.access_admin"


class AdminLoginForm(LoginForm):
    """Customers get the same answer as a wrong password and no session."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.has_perm(ADMIN_ACCESS):
            raise self.get_invalid_login_error()


class AdminPasswordResetForm(PasswordResetForm):
    """Mails a reset link only to admin users; the page after it is the same for every address."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.has_perm(ADMIN_ACCESS))
