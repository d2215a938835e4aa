"""What training shares with the partner region (see sync.registry).

Sessions and enrolments are decided by the course's region alone; they are not
replicated as records (an enrolment from the partner region would travel as a
command to the owner — not wired yet).
"""

from sync.registry import SyncSpec, register

from .models import Course

register(
    SyncSpec(
        model=Course,
        fields=("title", "summary", "completion_min_attendance_percent"),
    )
)
