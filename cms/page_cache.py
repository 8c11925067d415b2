"""The public pages as a visitor who is not logged in sees them, served from a cache.

wagtail-cache does the serving (``cached_serve``, Wagtail's own view wrapped in its
``cache_page``): a GET or HEAD from someone not logged in, outside a preview, is answered from
the cache when the same address in the same language was rendered before; a logged-in user's
page is never cached. Django's cache keys carry the active language, and a page that sets a
cookie is not kept.

The cache is emptied when the site changes: a page published, unpublished, moved or deleted,
or the school's settings saved (the receivers below): at once, and again once the change
commits, since a page rendered in between by another request may still show the site as it
was. Anything else a page shows from outside the page tree is at most ``PAGE_CACHE_SECONDS``
old.
"""

from django.core.cache.backends.redis import RedisCache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail import views as wagtail_views
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtailcache.cache import cache_page, clear_cache

from cms.models import SchoolSettings
from cms.transactions import clear_now_and_on_commit

cached_serve = cache_page(wagtail_views.serve)


class RedisPageCache(RedisCache):
    """Django's Redis cache whose ``clear`` deletes only this alias's keys (its KEY_PREFIX),
    not the whole Redis database the other aliases, the sessions and the broker share."""

    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        pattern = self.make_key("*")
        keys = list(client.scan_iter(match=pattern, count=500))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
        return True


def clear_page_cache() -> None:
    clear_cache()


@receiver(page_published, dispatch_uid="cms.page_cache.published")
@receiver(page_unpublished, dispatch_uid="cms.page_cache.unpublished")
@receiver(post_page_move, dispatch_uid="cms.page_cache.moved")
def clear_on_page_change(sender, **kwargs) -> None:
    clear_now_and_on_commit(clear_page_cache)


@receiver(post_delete, dispatch_uid="cms.page_cache.deleted")
@receiver(post_save, dispatch_uid="cms.page_cache.settings")
def clear_on_delete_or_settings(sender, **kwargs) -> None:
    deleted_page = kwargs.get("signal") is post_delete and issubclass(sender, Page)
    if deleted_page or sender is SchoolSettings:
        clear_now_and_on_commit(clear_page_cache)
