"""An index on Wagtail's page table for the newest-first lists of live posts (feed, legacy list, boards).

wagtailcore_page belongs to Wagtail, so the index is added with the schema editor rather than Meta.indexes:
(live, first_published_at) lets the feed walk the live pages newest first and stop after one page, where
first_published_at alone left MariaDB sorting every page.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["live", "first_published_at"], name="community_page_live_published")


def add_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("wagtailcore", "Page"), INDEX)


def remove_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("wagtailcore", "Page"), INDEX)


class Migration(migrations.Migration):
    atomic = False  # MySQL and MariaDB cannot roll DDL back

    dependencies = [
        ("community", "0006_post_is_hidden_index"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
