"""Writes for the curriculum: one function per business operation."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts import roles
from courses.models import CourseIndexPage

REVIEW_WORKFLOW = "课程审核"
REVIEW_TASK = "课程审核员审批"

# What each role may do with the pages under a catalogue. Instructors have no "publish":
# their changes go live only through the review workflow.
CATALOGUE_PERMISSIONS = {
    roles.INSTRUCTORS: ["add_page", "change_page"],
    roles.REVIEWERS: ["change_page", "publish_page"],
}


@transaction.atomic
def configure_catalogue(catalogue: CourseIndexPage) -> Workflow:
    """Give instructors and reviewers their rights under ``catalogue`` and put it under review.

    Safe to repeat: permissions and the workflow are created once and reused. Returns the
    review workflow: an instructor's change goes live when a reviewer approves it.
    """
    for group_name, codenames in CATALOGUE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalogue, permission=permission
            )

    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.groups.set([Group.objects.get(name=roles.REVIEWERS)])
    workflow, created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    return workflow
