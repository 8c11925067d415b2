import datetime

from django.utils import timezone

from cms.models import NewsPage
from cms.tasks import publish_scheduled_pages
from school.celery import app as celery_app


def test_a_page_scheduled_for_the_past_is_published_by_the_periodic_task(site_pages):
    page = NewsPage(
        title="定时发布的新闻", slug="scheduled", body=[("text", "<p>正文</p>")], live=False
    )
    site_pages.news_index.add_child(instance=page)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()  # with a future go-live time this only schedules it
    page.refresh_from_db()
    assert not page.live

    publish_scheduled_pages()
    page.refresh_from_db()
    assert not page.live  # not yet

    # The hour passes: move the scheduled time (in the revision and its approval) into the past.
    revision = page.get_latest_revision()
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    publish_scheduled_pages()
    page.refresh_from_db()
    assert page.live


def test_beat_runs_the_task_every_minute():
    entry = celery_app.conf.beat_schedule["publish-scheduled-pages"]
    assert entry["task"] == publish_scheduled_pages.name
    assert entry["schedule"] == 60.0
