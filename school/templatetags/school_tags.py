from django import template
from django.core.cache import caches
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from cms.models import SchoolSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The main navigation: the home page and its live children marked "show in menus" (each
    with its English menu label in the English interface). The signed-in reader's own pages
    follow (``reader_menu``)."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return []
    language = get_language() or ""
    current_path = request.path
    items = [{"title": _("Home"), "url": "/", "active": current_path == "/"}]
    for title, url in _menu_pages(site, language, request):
        items.append({"title": title, "url": url, "active": current_path.startswith(url)})
    return items


@register.simple_tag(takes_context=True)
def reader_menu(context) -> list[dict]:
    """The signed-in reader's own pages at the end of the main navigation (none for a visitor)."""
    request = context["request"]
    if not request.user.is_authenticated:
        return []
    return [
        {"title": title, "url": url, "active": request.path == url}
        for title, url in (
            (_("My learning"), reverse("learning:mine")),
            (_("My development"), reverse("my-development")),
        )
    ]


def _menu_pages(site: Site, language: str, request) -> list[tuple[str, str]]:
    """The titles and addresses of the home page's live children shown in menus, kept in the
    page cache: publishing, unpublishing, moving or deleting a page empties it
    (cms/page_cache.py)."""
    key = f"main-menu:{site.pk}:{language}"
    pages = caches["pages"].get(key)
    if pages is None:
        children = site.root_page.get_children().live().in_menu()
        if language.startswith("en"):
            children = children.specific()  # the English labels live on the page types
        pages = [
            (
                page.menu_title(language) if hasattr(page, "menu_title") else page.title,
                page.get_url(request=request),
            )
            for page in children
        ]
        caches["pages"].set(key, pages)
    return pages


@register.simple_tag(takes_context=True)
def school_names(context) -> dict:
    """The school's and the committee's names in the page's language (the settings are read
    once per request, as Wagtail's ``settings`` context processor reads them)."""
    request = context.get("request")
    school = SchoolSettings.for_request(request) if request else SchoolSettings()
    name, committee = school.names(get_language() or "")
    return {"name": name, "committee": committee, "settings": school}
