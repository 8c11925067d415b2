import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images.models import Image
from wagtailmedia.models import Media

from cms.blocks import VideoBlock
from cms.models import NoticePage
from courses.models import CoursePage, LessonPage
from tests.pages import lesson, publish


def test_a_course_lists_its_published_lessons_in_order(client, site_pages):
    html = client.get(site_pages.course.url).content.decode()
    positions = [html.index(title) for title in ["发展党员的程序", "党员的义务", "基层组织"]]
    assert positions == sorted(positions)
    assert "未发布的课时" not in html


def test_reordering_lessons_in_the_tree_reorders_the_course(client, site_pages):
    first, _second, third = site_pages.lessons
    third.move(first, pos="left")
    html = client.get(site_pages.course.url).content.decode()
    assert html.index("基层组织") < html.index("发展党员的程序")


def test_a_draft_lesson_is_not_served(client, site_pages, learner):
    client.force_login(learner)
    assert client.get("/courses/activists/draft/").status_code == 404


def test_lesson_navigation_skips_draft_lessons(client, site_pages):
    last = site_pages.lessons[-1]
    response = client.get(last.url)
    nav = response.context["lesson_nav"]
    assert nav["next"] is None
    assert nav["number"] == 3 and nav["count"] == 3
    assert nav["previous"] == {
        "title": site_pages.lessons[1].title,
        "url": site_pages.lessons[1].url,
    }


def test_lesson_navigation_follows_a_newly_published_lesson(client, site_pages):
    """The lesson's place is kept in the page cache; publishing a lesson after it empties it,
    so the last lesson now leads to the new one."""
    last = site_pages.lessons[-1]
    assert client.get(last.url).context["lesson_nav"]["next"] is None
    site_pages.draft_lesson.save_revision().publish()
    nav = client.get(last.url).context["lesson_nav"]
    assert nav["next"] == {
        "title": site_pages.draft_lesson.title,
        "url": site_pages.draft_lesson.url,
    }
    assert nav["count"] == 4
    assert (
        f'href="{site_pages.draft_lesson.url}" rel="next"' in client.get(last.url).content.decode()
    )


def test_a_draft_lesson_can_be_previewed_in_its_place(site_pages):
    response = site_pages.draft_lesson.make_preview_request()
    response.render()
    assert response.status_code == 200
    assert response.context_data["lesson_nav"]["number"] == 4
    assert "发展党员的新规定" in response.content.decode()


@pytest.mark.parametrize(
    ("page_name", "limit"),
    [("home", 13), ("catalogue", 14), ("course", 18), ("lesson", 13)],
)
def test_pages_render_with_a_bounded_number_of_queries(
    client, site_pages, django_assert_max_num_queries, page_name, limit, enrolled
):
    """For an enrolled learner (a visitor who is not logged in is served from the page cache).
    Measured with one course of three lessons; five more of each must not add a query."""
    for n in range(5):
        publish(site_pages.course, lesson(f"补充课时{n}", "<p>正文</p>", slug=f"extra-{n}"))
        publish(
            site_pages.catalogue,
            CoursePage(
                title=f"补充课程{n}", slug=f"course-{n}", summary="简介", study_hours=Decimal("8")
            ),
        )
    client.force_login(enrolled.user)
    page = site_pages.lessons[0] if page_name == "lesson" else getattr(site_pages, page_name)
    # Warm Wagtail's site and root-path caches and the page cache, as a running server has.
    client.get(page.url)
    client.get(page.url)
    with django_assert_max_num_queries(limit):
        assert client.get(page.url).status_code == 200


def png(width: int, height: int) -> ImageFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return ImageFile(buffer, name="photo.png")


def test_lesson_images_are_served_as_renditions_sized_for_phones(client, site_pages):
    image = Image.objects.create(title="会场", file=png(2400, 1350))
    page = publish(
        site_pages.course,
        LessonPage(
            title="图片课时",
            slug="with-image",
            min_study_minutes=5,
            body=[
                (
                    "image",
                    {
                        "image": {"image": image, "decorative": False, "alt_text": "会场照片"},
                        "caption": "图注",
                    },
                )
            ],
        ),
    )
    html = client.get(page.url).content.decode()
    assert 'alt="会场照片"' in html
    assert "400w" in html and "800w" in html and "1200w" in html
    assert 'sizes="(max-width: 760px) 100vw, 720px"' in html
    assert image.file.url not in html  # never the 2400-px original


def test_a_video_block_needs_exactly_one_source():
    block = VideoBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "无视频", "video": None, "embed": None}))


def test_a_lesson_video_takes_its_length_from_the_media_library(db):
    video = Media.objects.create(
        title="视频", file=ContentFile(b"x", name="v.webm"), type="video", duration=95.4
    )
    page = LessonPage(title="视频课", slug="v", body=[], video=video)
    page.clean()
    assert page.video_duration == 95


def test_a_lesson_video_of_unknown_length_is_refused(db):
    video = Media.objects.create(
        title="视频", file=ContentFile(b"x", name="v.webm"), type="video", duration=0
    )
    page = LessonPage(title="视频课", slug="v", body=[], video=video)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "video_duration" in error.value.message_dict


def test_a_notice_cannot_end_before_it_starts(site_pages):
    notice = site_pages.notice
    notice.ends_on = notice.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        notice.clean()
    assert "ends_on" in error.value.message_dict


def test_notices_are_split_into_open_and_past(client, site_pages):
    today = datetime.date.today()
    publish(
        site_pages.notice_index,
        NoticePage(
            title="往期公示",
            slug="old",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=23),
            body=[],
            feedback="电话",
        ),
    )
    response = client.get(site_pages.notice_index.url)
    assert [n.title for n in response.context["open_notices"]] == ["发展对象公示"]
    assert [n.title for n in response.context["closed_notices"]] == ["往期公示"]
