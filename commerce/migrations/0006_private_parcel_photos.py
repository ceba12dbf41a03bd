import bidangil.storage
import commerce.shipping.models
from django.core.files.storage import default_storage
from django.db import migrations, models


def move_to_private_storage(apps, schema_editor):
    """Photos stored before under public media (named after the order) move to private storage, renamed."""
    ParcelPhoto = apps.get_model("commerce", "ParcelPhoto")
    private = bidangil.storage.private_storage()
    for photo in ParcelPhoto.objects.exclude(image=""):
        old_name = photo.image.name
        if not default_storage.exists(old_name):
            continue
        with default_storage.open(old_name, "rb") as content:
            photo.image.name = private.save(commerce.shipping.models.parcel_photo_path(photo, old_name), content)
        photo.save(update_fields=["image"])
        default_storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0005_orderevent_kind_refund_issued"),
    ]

    operations = [
        migrations.AlterField(
            model_name="parcelphoto",
            name="image",
            field=models.ImageField(
                storage=bidangil.storage.private_storage, upload_to=commerce.shipping.models.parcel_photo_path
            ),
        ),
        migrations.RunPython(move_to_private_storage, migrations.RunPython.noop),
    ]
