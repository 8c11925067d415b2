"""Pieces shared by the project's own pages in the Wagtail admin."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminPageMixin(WagtailAdminTemplateMixin):
    """A page of this project's in the Wagtail admin. Wagtail's own pages end their breadcrumbs
    with their title, which is what the header shows; the base mixin has only "Home", so every
    page would be headed 首页. This one ends with the page's title."""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_header_title()}]
