"""The course listing's filters."""

from django.utils.translation import gettext_lazy as _

from portal.records.filters import RecordFilters

from .models import Course


class CourseFilters(RecordFilters):
    topic = None  # courses carry no topics
    bar_label = _("筛选课程")

    class Meta:
        model = Course
        fields = []
