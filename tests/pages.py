"""A small site built the way editors build it, shared by the cms and courses tests."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from wagtail.models import Page, Site

from cms.models import HomePage, NewsIndexPage, NewsPage, NoticeIndexPage, NoticePage, StandardPage
from courses.models import Audience, CourseIndexPage, CoursePage, LessonPage
from courses.services.catalogue import configure_catalogue


@dataclass
class SitePages:
    home: HomePage
    catalogue: CourseIndexPage
    course: CoursePage
    lessons: list[LessonPage]
    draft_lesson: LessonPage
    news_index: NewsIndexPage
    news: NewsPage
    notice_index: NoticeIndexPage
    notice: NoticePage
    about: StandardPage


def text(html: str) -> list:
    return [("text", html)]


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def lesson(title: str, html: str, *, slug: str, minutes: int = 10) -> LessonPage:
    return LessonPage(title=title, slug=slug, body=text(html), min_study_minutes=minutes)


def build_site() -> SitePages:
    root = Page.get_first_root_node()
    for placeholder in root.get_children():
        placeholder.delete()
    home = root.add_child(instance=HomePage(title="测试网上党校", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )

    catalogue = publish(home, CourseIndexPage(title="课程中心", slug="courses"))
    configure_catalogue(catalogue)
    course = CoursePage(
        title="入党积极分子培训",
        slug="activists",
        summary="党校初级培训",
        study_hours=Decimal("32"),
    )
    course.audiences = [Audience.objects.get(code="activist")]
    publish(catalogue, course)
    lessons = [
        publish(
            course,
            lesson("发展党员的程序", "<p>本课讲解发展党员的基本程序和要求。</p>", slug="procedure"),
        ),
        publish(
            course,
            lesson(
                "党员的义务",
                "<p>党员必须履行八项义务；本课也介绍发展对象的条件。</p>",
                slug="duties",
            ),
        ),
        publish(
            course, lesson("基层组织", "<p>支部要积极发展党员工作，坚持标准。</p>", slug="branches")
        ),
    ]
    draft = lesson("未发布的课时", "<p>草稿：发展党员的新规定。</p>", slug="draft")
    draft.live = False
    course.add_child(instance=draft)
    draft.save_revision()

    news_index = publish(home, NewsIndexPage(title="党建动态", slug="news"))
    news = publish(
        news_index, NewsPage(title="培训班开班", slug="opening", body=text("<p>开班了。</p>"))
    )
    notice_index = publish(home, NoticeIndexPage(title="公示公告", slug="notices"))
    today = datetime.date.today()
    notice = publish(
        notice_index,
        NoticePage(
            title="发展对象公示",
            slug="candidates",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=5),
            body=text("<p>拟确定张三为发展对象。</p>"),
            feedback="电话 027-0000",
        ),
    )
    about = publish(home, StandardPage(title="党校简介", slug="about", body=text("<p>简介。</p>")))
    return SitePages(
        home, catalogue, course, lessons, draft, news_index, news, notice_index, notice, about
    )
