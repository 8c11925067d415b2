"""The public pages as a visitor who is not logged in sees them, served from a cache; and
pages that every signed-in reader sees alike but for a few marked parts, kept once and filled
in for each reader.

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

A page type that sets ``shared_with_signed_in_readers`` is kept for signed-in readers as its
public rendering (the same HTML a visitor gets). What differs between readers is marked in the
templates, ``<!--reader:NAME-->…<!--/reader:NAME-->``: the account links and the reader's own
menu items (base.html), and the page type's own parts (its ``reader_regions``, e.g. a lesson's
study time). Each signed-in GET fills those in for the reader, from the reader's own data, and
the page itself is neither routed nor rendered again. Not shared, and rendered in full as
before: a page with a view restriction, a request with a query string or messages to show,
someone who may use the admin (Wagtail's user bar), a preview. The kept pages are emptied with
the public ones.
"""

import re

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtailcache.cache import cache_page, clear_cache

from cms.models import SchoolSettings
from cms.transactions import clear_now_and_on_commit

cached_serve = cache_page(wagtail_views.serve)

READER_REGION = re.compile(r"<!--reader:(\w+)-->.*?<!--/reader:\1-->", re.DOTALL)
# The parts of base.html every page has; a page type adds its own (``reader_regions``).
SHELL_REGIONS = {"account": "includes/reader_account.html", "menu": "includes/reader_menu.html"}
EDITOR_SECONDS = 60


def serve(request, path):
    """Wagtail's pages: shared with signed-in readers where the page allows it, else from
    wagtail-cache (visitors) or rendered (everyone else)."""
    if (
        settings.WAGTAIL_CACHE
        and request.method == "GET"
        and not request.GET
        and request.user.is_authenticated
    ):
        response = _serve_shared(request, path)
        if response is not None:
            return response
    return cached_serve(request, path)


def _serve_shared(request, path) -> HttpResponse | None:
    if len(get_messages(request)) or _may_use_admin(request.user):
        return None
    key = f"reader:{get_language()}:{request.path}"
    kept = caches["pages"].get(key)
    if kept is None:
        kept = _shareable_rendering(request, path)
        caches["pages"].set(key, kept)
    if not kept["html"]:
        return None
    context = {"request": request, "csrf_token": get_token(request), **kept["facts"]}
    regions = {name: get_template(name_).render(context) for name, name_ in SHELL_REGIONS.items()}
    regions |= apps.get_model(kept["model"]).reader_regions(context)
    if set(READER_REGION.findall(kept["html"])) - regions.keys():
        return None  # a part this code cannot fill for the reader: render the page in full
    html = READER_REGION.sub(
        lambda found: f"<!--reader:{found[1]}-->{regions[found[1]]}<!--/reader:{found[1]}-->",
        kept["html"],
    )
    response = HttpResponse(html)
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _shareable_rendering(request, path) -> dict:
    """The page at ``path`` as a visitor sees it, with what filling it in needs; ``html`` None
    when it is not to be shared."""
    route = Page.route_for_request(request, path)
    page = route.page if route else None
    if (
        page is None
        or route.args
        or route.kwargs
        or not getattr(page, "shared_with_signed_in_readers", False)
        or page.get_view_restrictions().exists()
    ):
        return {"html": None}
    reader = request.user
    # A CSRF token in the page would be this reader's (masked, but unmasked in a moment) and
    # would go to every other reader: a page whose public rendering asks for one is not kept.
    csrf_used_before = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", False)
    request.user = AnonymousUser()
    try:
        response = wagtail_views.serve(request, path)
        if hasattr(response, "render"):
            response.render()
    finally:
        request.user = reader
        asked_for_csrf = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = csrf_used_before or asked_for_csrf
    if response.status_code != 200 or response.cookies or asked_for_csrf:
        return {"html": None}
    return {
        "html": response.content.decode(response.charset),
        "model": page._meta.label,
        "facts": page.reader_facts(),
    }


def _may_use_admin(user) -> bool:
    """Whether Wagtail's user bar is to be shown to ``user`` (then the page is theirs alone),
    remembered for a minute."""
    key = f"reader:admin:{user.pk}"
    allowed = caches["default"].get(key)
    if allowed is None:
        allowed = user.has_perm("wagtailadmin.access_admin")
        caches["default"].set(key, allowed, EDITOR_SECONDS)
    return allowed


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
    # A page made private (or public again) is not published: its restriction changes alone.
    if deleted_page or sender in (SchoolSettings, PageViewRestriction):
        clear_now_and_on_commit(clear_page_cache)
