from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[dict]:
    """The main navigation: the home page, then its live children marked "show in menus"."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page
    current_path = request.path
    items = [{"title": _("Home"), "url": "/", "active": current_path == "/"}]
    for page in root.get_children().live().in_menu():
        url = page.get_url(request=request)
        items.append({"title": page.title, "url": url, "active": current_path.startswith(url)})
    return items
