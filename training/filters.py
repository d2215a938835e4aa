"""The course listing's filters."""

from portal.records.filters import RecordFilters

from .models import Course


class CourseFilters(RecordFilters):
    topic = None  # courses carry no topics

    class Meta:
        model = Course
        fields = []
