from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def publish_scheduled_pages() -> None:
    """Publish pages whose scheduled time has come and unpublish expired ones (Wagtail's own
    command). Run every minute by Celery beat; safe to repeat and to run again after a worker
    died in it: Wagtail publishes each scheduled revision once and clears its schedule, so a
    second run finds only what the first did not reach."""
    call_command("publish_scheduled")
