from django.urls import path

from . import views

urlpatterns = [
    path("auth/csrf/", views.CsrfTokenView.as_view(), name="auth-csrf"),
    path("auth/signup/", views.SignupView.as_view(), name="auth-signup"),
    path("auth/verify/", views.VerifyView.as_view(), name="auth-verify"),
    path("auth/resend/", views.ResendView.as_view(), name="auth-resend"),
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="auth-password-change"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/export/", views.ExportView.as_view(), name="me-export"),
    path("me/close/", views.CloseAccountView.as_view(), name="me-close"),
    path("me/addresses/", views.AddressListView.as_view(), name="address-list"),
    path("me/addresses/<int:pk>/", views.AddressDetailView.as_view(), name="address-detail"),
]
