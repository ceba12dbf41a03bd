from django.contrib.auth.management import create_permissions
from django.db import migrations

ORDER_STAFF = "Order staff"
MODELS = ["order", "orderitem", "orderevent", "payment", "parcel", "parcelphoto", "shipment", "shipmentevent",
          "deliveryrate", "restricteditemrule", "exchangerate", "stripeevent"]


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ORDER_STAFF)
    perms = Permission.objects.filter(content_type__app_label="commerce", content_type__model__in=MODELS)
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*perms, *admin_access)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ORDER_STAFF).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
