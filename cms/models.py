from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.blocks import StreamValue
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms.blocks import body_blocks, home_blocks, notice_blocks
from cms.search import index_text

INTRO_FEATURES = ["bold", "italic", "link"]


@register_setting(icon="site")
class SchoolSettings(BaseSiteSetting):
    """Who runs the site: shown in the header and footer of every page."""

    school_name = models.CharField(_("school name"), max_length=100, default="网上党校")
    committee_name = models.CharField(_("party committee"), max_length=100, blank=True)
    # The English interface shows these where they are filled in; Chinese is the default.
    school_name_en = models.CharField(_("school name in English"), max_length=100, blank=True)
    committee_name_en = models.CharField(
        _("party committee in English"), max_length=100, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    icp_number = models.CharField(
        _("ICP filing number"), max_length=60, blank=True, help_text=_("e.g. 京ICP备12345678号")
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("school_name"),
                FieldPanel("committee_name"),
                FieldPanel("school_name_en"),
                FieldPanel("committee_name_en"),
            ],
            heading=_("Names"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("icp_number"),
            ],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("school settings")

    def names(self, language: str) -> tuple[str, str]:
        """The school's and the committee's names for a page in ``language``."""
        if language.startswith("en"):
            return (
                self.school_name_en or self.school_name,
                self.committee_name_en or self.committee_name,
            )
        return self.school_name, self.committee_name


class MenuTitle(models.Model):
    """A page that may sit in the main menu, with the label the English interface shows there
    (the page's own title, written in Chinese, stays what it is everywhere else)."""

    menu_title_en = models.CharField(
        _("menu label in English"),
        max_length=40,
        blank=True,
        help_text=_("Shown in the main menu of the English interface; the title if empty."),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("menu_title_en")]
    title: str  # the page's own (the class is mixed into Page subclasses only)

    class Meta:
        abstract = True

    def menu_title(self, language: str) -> str:
        if language.startswith("en") and self.menu_title_en:
            return self.menu_title_en
        return self.title


class ChineseSearchable(index.Indexed):
    """A page whose text is found by Chinese searches: its words are segmented (cms/search.py)
    and indexed beside Wagtail's own fields. ``search_text_fields`` names the fields to include.
    """

    search_text_fields: tuple[str, ...] = ()

    def search_texts(self) -> list[str]:
        """The page's text as a reader sees it: title, description and the named fields."""
        texts = [self.title, self.search_description]
        for name in self.search_text_fields:
            value = getattr(self, name)
            if isinstance(value, StreamValue):
                texts.extend(value.stream_block.get_searchable_content(value))
            elif value:
                texts.append(get_text_for_indexing(str(value)))
        return texts

    def segmented_search_text(self) -> str:
        return index_text(*self.search_texts())

    def contains_words(self, words: list[str]) -> bool:
        """Whether every one of ``words`` appears in the page's text, as written."""
        text = "\n".join(self.search_texts()).lower()
        return all(word in text for word in words)

    @classmethod
    def chinese_search_fields(cls) -> list:
        return [*Page.search_fields, index.SearchField("segmented_search_text")]


class HomePage(Page):
    """The front page of the party school."""

    tagline = models.CharField(_("tagline"), max_length=120, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)
    body = StreamField(home_blocks(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("tagline"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """The page at this address under the home page, found by its URL path in one query
        and made specific in a second, where Wagtail's own ``route`` asks for each level in
        turn (eight queries for a lesson). It finds the same page: a page's ``url_path`` is its
        parent's plus its slug, and only the page found must be live (as in Wagtail's walk).
        No page type of the party school routes by itself (tests/cms/test_routing.py keeps
        it so), so no level is skipped that would have answered differently."""
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = Page.objects.filter(url_path=url_path, path__startswith=self.path).first()
        if page is None or not page.live:
            raise Http404
        return RouteResult(page.specific)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:4]
        )
        context["open_notices"] = (
            NoticePage.objects.live().public().descendant_of(self).open_on(timezone.localdate())[:3]
        )
        return context


class StandardPage(MenuTitle, ChineseSearchable, Page):  # noqa: DJ008 (Page has __str__)
    """An ordinary article: about the school, contact, rules of the training."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_text_fields = ("intro", "body")
    search_fields = ChineseSearchable.chinese_search_fields()

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(MenuTitle, Page):  # noqa: DJ008 (Page has __str__)
    """党建动态: the list of news, newest first."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .select_related("cover_image")
            .order_by("-date", "-pk")
        )
        return context


class NewsPage(ChineseSearchable, Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(body_blocks(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("cover_image")]),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_text_fields = ("summary", "body")
    search_fields = ChineseSearchable.chinese_search_fields()

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")


class NoticeIndexPage(MenuTitle, Page):  # noqa: DJ008 (Page has __str__)
    """公示: public notices, the open ones first."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NoticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("public notice index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.objects.live().public().child_of(self).order_by("-starts_on", "-pk")
        today = timezone.localdate()
        context["open_notices"] = notices.open_on(today)
        context["closed_notices"] = notices.exclude(pk__in=notices.open_on(today).values("pk"))
        return context


class NoticePageQuerySet(PageQuerySet):
    def open_on(self, day):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class NoticePage(ChineseSearchable, Page):
    """One public notice (公示): who is proposed, for how long, and where to send objections."""

    starts_on = models.DateField(_("notice starts on"))
    ends_on = models.DateField(_("notice ends on"))
    body = StreamField(notice_blocks(), verbose_name=_("body"))
    feedback = models.TextField(
        _("how to give feedback"),
        help_text=_(
            "Where people send objections during the notice period: phone, e-mail, office."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")], heading=_("notice period")),
        FieldPanel("body"),
        FieldPanel("feedback"),
    ]
    search_text_fields = ("body",)
    search_fields = ChineseSearchable.chinese_search_fields()

    objects = PageManager.from_queryset(NoticePageQuerySet)()

    parent_page_types = ["cms.NoticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("public notice")

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The notice cannot end before it starts.")})

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["is_open"] = self.is_open_on(timezone.localdate())
        return context
