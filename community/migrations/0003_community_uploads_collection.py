from django.db import migrations

COLLECTION_NAME = "Community uploads"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node path alphabet, 4 characters a step


def _next_step(step: str) -> str:
    number = 0
    for char in step:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    number += 1
    digits = ""
    for _ in range(4):
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits


def create_collection(apps, schema_editor):
    # Historical models have no treebeard methods, so the child path is computed here.
    Collection = apps.get_model("wagtailcore", "Collection")
    if Collection.objects.filter(name=COLLECTION_NAME).exists():
        return
    root = Collection.objects.get(depth=1)
    last = Collection.objects.filter(depth=2, path__startswith=root.path).order_by("-path").first()
    step = _next_step(last.path[-4:]) if last else "0001"
    Collection.objects.create(name=COLLECTION_NAME, depth=2, path=root.path + step, numchild=0)
    root.numchild = Collection.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


def remove_collection(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Collection.objects.filter(name=COLLECTION_NAME, depth=2, numchild=0).delete()
    root = Collection.objects.get(depth=1)
    root.numchild = Collection.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_posts"),
        ("wagtailcore", "0025_collection_initial_data"),
    ]

    operations = [migrations.RunPython(create_collection, remove_collection)]
