from django.contrib.admin import apps as admin_apps


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the project's site (bidangil/admin_site.py)."""

    default = False  # the `bidangil` app itself keeps Django's plain AppConfig
    default_site = "bidangil.admin_site.AdminSite"
