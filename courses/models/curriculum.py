"""The curriculum: the course catalogue, courses and lessons (Wagtail pages)."""

from django import forms
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import body_blocks
from cms.models import INTRO_FEATURES, ChineseSearchable, MenuTitle

# The people each audience's training is for, by audience code.
AUDIENCE_PEOPLE = {
    "activist": _("Activists"),
    "candidate": _("Development candidates"),
    "probationary": _("Probationary members"),
    "member": _("Party members"),
}


class Audience(models.Model):
    """Whom a course trains: the development stage its learners are at.

    The codes are the stage codes the membership app uses, so a certificate of a course for
    candidates counts as the candidate training. Rows are created by a migration.
    """

    class Code(models.TextChoices):
        ACTIVIST = "activist", _("Activist training")
        CANDIDATE = "candidate", _("Development candidate training")
        PROBATIONARY = "probationary", _("Probationary member education")
        MEMBER = "member", _("Party member education")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def people(self) -> str:
        """Whom the training is for, as a course page says it (培训对象：入党积极分子)."""
        return str(AUDIENCE_PEOPLE[self.code])


class CourseIndexPage(MenuTitle, Page):
    """The course catalogue (课程中心). Instructors work under it; a reviewer approves."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def courses(self):
        return (
            CoursePage.objects.live()
            .public()
            .child_of(self)
            .select_related("cover_image")
            .prefetch_related("audiences", "cover_image__renditions")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.courses()
        return context


class CoursePage(ChineseSearchable, Page):
    """A course: what it teaches, whom it is for, how many study hours it is worth."""

    summary = models.CharField(_("summary"), max_length=300)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    study_hours = models.DecimalField(
        _("study hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
        help_text=_("The hours (学时) the course is worth when completed."),
    )
    audiences = ParentalManyToManyField(
        Audience,
        verbose_name=_("trains"),
        related_name="courses",
        help_text=_("Whom the course is for; its certificate counts as their training."),
    )
    self_enrollment = models.BooleanField(
        _("open for self-enrollment"),
        default=False,
        help_text=_(
            "Anyone with an account may enroll. Otherwise organizers enroll people in a cohort."
        ),
    )
    introduction = RichTextField(
        _("introduction"), blank=True, features=[*INTRO_FEATURES, "ol", "ul", "h3"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("study_hours"), FieldPanel("self_enrollment")]),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("training"),
        ),
        FieldPanel("introduction"),
    ]
    search_text_fields = ("summary", "introduction")
    search_fields = ChineseSearchable.chinese_search_fields()

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def lessons(self):
        """The published lessons, in the order instructors arranged them in the page tree."""
        return LessonPage.objects.live().child_of(self).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons()
        return context


class LessonPage(ChineseSearchable, Page):
    """One lesson (课时) of a course."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("body"))
    min_study_minutes = models.PositiveSmallIntegerField(
        _("minimum study time (minutes)"),
        default=10,
        validators=[MinValueValidator(1)],
        help_text=_("The lesson is complete after this much reading time, measured by the server."),
    )
    video = models.ForeignKey(
        "wagtailmedia.Media",
        verbose_name=_("lesson video"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"type": "video"},
        help_text=_(
            "Optional. When set, the lesson is complete only once the video is watched to the end."
        ),
    )
    video_duration = models.PositiveIntegerField(
        _("video length (seconds)"),
        null=True,
        blank=True,
        help_text=_("Taken from the video when left empty."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("min_study_minutes"),
                FieldRowPanel([FieldPanel("video"), FieldPanel("video_duration")]),
            ],
            heading=_("completion"),
        ),
    ]
    search_text_fields = ("summary", "body")
    search_fields = ChineseSearchable.chinese_search_fields()

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    # Every signed-in reader gets the lesson as a visitor does, with their own study time
    # filled in (cms/page_cache.py).
    shared_with_signed_in_readers = True

    class Meta:
        verbose_name = _("lesson")

    def reader_facts(self) -> dict:
        """What filling in a reader's part of the page needs (``reader_regions``)."""
        return {
            "lesson_id": self.pk,
            "course_id": self.course.pk,
            "min_study_minutes": self.min_study_minutes,
        }

    @classmethod
    def reader_regions(cls, context: dict) -> dict[str, str]:
        """The reader's own parts of the page: their study of the lesson."""
        return {"study": get_template("courses/includes/lesson_study.html").render(context)}

    def clean(self):
        super().clean()
        video = self.video
        if video is None:
            return
        if video.type != "video":
            raise ValidationError({"video": _("Choose a video, not an audio file.")})
        if not self.video_duration:
            if not video.duration:
                message = _("Enter the video's length: the media library does not know it.")
                raise ValidationError({"video_duration": message})
            self.video_duration = round(video.duration)

    @cached_property
    def course(self) -> CoursePage:
        return CoursePage.objects.parent_of(self).get()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            context["lesson_nav"] = self.lesson_nav(request)
        else:
            # The same for every reader until a page is published, unpublished, moved or
            # deleted, which empties the page cache (cms/page_cache.py).
            key = f"lesson-nav:{self.pk}"
            context["lesson_nav"] = caches["pages"].get(key)
            if context["lesson_nav"] is None:
                context["lesson_nav"] = self.lesson_nav(request)
                caches["pages"].set(key, context["lesson_nav"])
        return context

    def lesson_nav(self, request) -> dict:
        """Where the lesson stands in its course: the course, its number among the live
        lessons (this one counted even as a draft, so an editor's preview has its place too),
        and the lessons before and after it, as titles and addresses."""
        siblings = list(
            LessonPage.objects.sibling_of(self)
            .filter(models.Q(live=True) | models.Q(pk=self.pk))
            .order_by("path")
            .only("pk", "title", "url_path", "path")
        )
        position = next(i for i, lesson in enumerate(siblings) if lesson.pk == self.pk)

        def link(page) -> dict | None:
            return page and {"title": page.title, "url": page.get_url(request)}

        return {
            "course": link(self.course),
            "course_id": self.course.pk,
            "number": position + 1,
            "count": len(siblings),
            "previous": link(siblings[position - 1] if position > 0 else None),
            "next": link(siblings[position + 1] if position + 1 < len(siblings) else None),
        }
