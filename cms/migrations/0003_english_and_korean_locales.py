"""The two content locales, English (the source) and Korean. Existing pages keep the locale they have: a
database made before English was named "en" (e.g. "en-us") has that row renamed, never replaced."""

from django.db import migrations

CONTENT_LANGUAGES = ["en", "ko"]


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    if not Locale.objects.filter(language_code="en").exists():
        english = Locale.objects.filter(language_code__startswith="en-").order_by("pk").first()
        if english is not None:
            english.language_code = "en"
            english.save(update_fields=["language_code"])
    for language_code in CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=language_code)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_create_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
