"""Signals publicity's models send; publicity.signal_handlers hands them to services."""

from django.dispatch import Signal

# An item declined outright (不予采用) in the review task: task_state, user, comment.
submission_declined = Signal()
