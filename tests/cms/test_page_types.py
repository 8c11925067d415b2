from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import HomePage, NewsIndexPage, NewsPage, NoticeIndexPage, NoticePage, StandardPage
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.pages import build_site


class PageTypeRulesTests(WagtailPageTestCase):
    def test_where_each_page_type_may_be_created(self):
        self.assertEqual(HomePage.allowed_parent_page_models(), [Page])
        # The home page leaves its children to declare it as their parent (cms does not name
        # the courses app's types), so only creatable types count.
        creatable_under_home = {
            model for model in HomePage.allowed_subpage_models() if model.is_creatable
        }
        self.assertEqual(
            creatable_under_home, {CourseIndexPage, StandardPage, NewsIndexPage, NoticeIndexPage}
        )
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NoticeIndexPage, {NoticePage})
        self.assertAllowedParentPageTypes(NoticePage, {NoticeIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertAllowedSubpageTypes(NoticePage, set())

    def test_lessons_only_inside_courses_and_courses_only_in_the_catalogue(self):
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(StandardPage, CoursePage)
        self.assertCanCreateAt(CoursePage, LessonPage)


class PagesRenderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = build_site()

    def test_every_page_renders(self):
        site = self.site
        for page in [
            site.home,
            site.catalogue,
            site.course,
            *site.lessons,
            site.news_index,
            site.news,
            site.notice_index,
            site.notice,
            site.about,
        ]:
            with self.subTest(page=page.title):
                self.assertPageIsRenderable(page)

    def test_course_and_lesson_are_editable_in_the_admin(self):
        self.assertPageIsEditable(self.site.course)
        lesson = self.site.lessons[0]
        self.assertPageIsEditable(
            lesson,
            post_data=nested_form_data(
                {
                    "title": lesson.title,
                    "slug": lesson.slug,
                    "summary": "",
                    "body": streamfield([("text", rich_text("<p>修改后的正文。</p>"))]),
                    "min_study_minutes": 12,
                }
            ),
        )
