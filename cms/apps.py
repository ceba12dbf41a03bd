from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self):
        # The public API pages are cached (bidangil/page_cache.py): what the Wagtail admin publishes, unpublishes,
        # moves or deletes renews them, as Wagtail's frontend cache invalidation listens to the same signals. The
        # receiver only renews the cache; the writes themselves are Wagtail's.
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from bidangil import page_cache

        page_published.connect(page_cache.changed, dispatch_uid="public-cache-published")
        page_unpublished.connect(page_cache.changed, dispatch_uid="public-cache-unpublished")
        post_page_move.connect(page_cache.changed, dispatch_uid="public-cache-moved")
        post_delete.connect(page_cache.changed, sender=Page, dispatch_uid="public-cache-deleted")
