"""Replace Wagtail's welcome page with a HomePage at depth 2 and make it the default site's root."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations

HOME_PATH = "00010001"


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    page_type = ContentType.objects.get_for_model(Page)
    welcome = Page.objects.filter(content_type=page_type, depth=2, slug="home").first()
    locale = Locale.objects.get(pk=welcome.locale_id) if welcome else Locale.objects.order_by("pk").first()
    if welcome is not None:
        if Page.objects.filter(path__startswith=welcome.path, depth__gt=2).exists():
            return  # someone built a tree under it: leave their pages alone
        welcome.delete()  # its Site row goes with it (CASCADE)

    if Page.objects.filter(path=HOME_PATH).exists():
        return  # the tree was already customised before this migration ran

    homepage = HomePage.objects.create(
        title="Bidangil",
        draft_title="Bidangil",
        slug="home",
        content_type=ContentType.objects.get_for_model(HomePage),
        path=HOME_PATH,
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        hero_heading="Shop Korea from anywhere",
        hero_intro="Send us product links from Korean shops; we buy, check and ship them to your door.",
    )
    Page.objects.filter(depth=1).update(numchild=Page.objects.filter(depth=2).count())
    # The site answers on SITE_URL, so page URLs in the API (html_url) point at this backend.
    site_url = urlsplit(settings.SITE_URL)
    port = site_url.port or (443 if site_url.scheme == "https" else 80)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": site_url.hostname or "localhost",
            "port": port,
            "root_page_id": homepage.pk,
            "site_name": "Bidangil",
        },
    )


def remove_homepage(apps, schema_editor):
    HomePage = apps.get_model("cms", "HomePage")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage.objects.filter(path=HOME_PATH).delete()
    Page.objects.filter(depth=1).update(numchild=Page.objects.filter(depth=2).count())


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
