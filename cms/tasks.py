from celery import shared_task
from django.core.management import call_command


@shared_task
def publish_scheduled_pages() -> None:
    """Publish pages whose scheduled time has come and unpublish expired ones (Wagtail's own
    command). Run every minute by Celery beat; safe to repeat, since Wagtail publishes each
    scheduled revision once."""
    call_command("publish_scheduled")
