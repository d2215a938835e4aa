"""Record each step of the submission workflow for the quarterly report."""

from django.db.models.signals import pre_save

from wagtail.models import TaskState
from wagtail.signals import (
    page_published,
    task_rejected,
    task_submitted,
    workflow_approved,
    workflow_submitted,
)

from .models import RedHeritageSite, Story, SubmissionEvent
from .services import publication_record, submission_decline, submission_step_record
from .signals import submission_declined


def on_workflow_submitted(sender, instance, user=None, **kwargs):
    submission_step_record(workflow_state=instance, action=SubmissionEvent.Action.SUBMITTED, user=user)


def on_task_submitted(sender, instance, user=None, **kwargs):
    # A task restarted after a return is a resubmission; the first start is covered above.
    workflow_state = instance.workflow_state
    if workflow_state.task_states.filter(status=TaskState.STATUS_REJECTED).exists():
        submission_step_record(
            workflow_state=workflow_state, action=SubmissionEvent.Action.RESUBMITTED, user=user
        )


def on_task_rejected(sender, instance, user=None, **kwargs):
    submission_step_record(
        workflow_state=instance.workflow_state,
        action=SubmissionEvent.Action.RETURNED,
        user=user,
        comment=instance.comment,
    )


def on_workflow_approved(sender, instance, user=None, **kwargs):
    comment = instance.current_task_state.comment if instance.current_task_state else ""
    submission_step_record(
        workflow_state=instance, action=SubmissionEvent.Action.ACCEPTED, user=user, comment=comment
    )


def on_submission_declined(sender, task_state, user=None, comment="", **kwargs):
    submission_decline(task_state=task_state, user=user, comment=comment)


def on_page_published(sender, instance, **kwargs):
    publication_record(page=instance)


def on_replica_applied(sender, instance, raw=False, **kwargs):
    """A partner's story or site written by sync: local section, a slug free among its siblings."""
    from sync.context import applying

    if raw or not applying() or not instance.is_replica:
        return
    from .sync import replica_place

    replica_place(page=instance)


def connect():
    workflow_submitted.connect(on_workflow_submitted, dispatch_uid="publicity-workflow-submitted")
    task_submitted.connect(on_task_submitted, dispatch_uid="publicity-task-submitted")
    task_rejected.connect(on_task_rejected, dispatch_uid="publicity-task-rejected")
    workflow_approved.connect(on_workflow_approved, dispatch_uid="publicity-workflow-approved")
    submission_declined.connect(on_submission_declined, dispatch_uid="publicity-submission-declined")
    page_published.connect(on_page_published, sender=Story, dispatch_uid="publicity-story-published")
    page_published.connect(on_page_published, sender=RedHeritageSite, dispatch_uid="publicity-site-published")
    pre_save.connect(on_replica_applied, sender=Story, dispatch_uid="publicity-story-replica")
    pre_save.connect(on_replica_applied, sender=RedHeritageSite, dispatch_uid="publicity-site-replica")
