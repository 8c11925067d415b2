from django import template
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from cms.models import SchoolSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The main navigation: the home page, its live children marked "show in menus" (each with
    its English menu label in the English interface), then the learner's own pages."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return []
    language = get_language() or ""
    current_path = request.path
    items = [{"title": _("Home"), "url": "/", "active": current_path == "/"}]
    pages = site.root_page.get_children().live().in_menu()
    if language.startswith("en"):
        pages = pages.specific()  # the English labels live on the page types (a query per type)
    for page in pages:
        url = page.get_url(request=request)
        title = page.menu_title(language) if hasattr(page, "menu_title") else page.title
        items.append({"title": title, "url": url, "active": current_path.startswith(url)})
    if request.user.is_authenticated:
        for title, url in (
            (_("My learning"), reverse("learning:mine")),
            (_("My development"), reverse("my-development")),
        ):
            items.append({"title": title, "url": url, "active": current_path == url})
    return items


@register.simple_tag(takes_context=True)
def school_names(context) -> dict:
    """The school's and the committee's names in the page's language (the settings are read
    once per request, as Wagtail's ``settings`` context processor reads them)."""
    request = context.get("request")
    school = SchoolSettings.for_request(request) if request else SchoolSettings()
    name, committee = school.names(get_language() or "")
    return {"name": name, "committee": committee, "settings": school}
