import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from portal.models import AccessLevel, Organisation, Region


class Versioned(models.Model):
    """A record whose copies in the partner region are told apart by version.

    The one version rule: a new row keeps the version it was given (1 unless a caller
    says otherwise); every later full save moves it one past the stored one, never
    backwards (an instance rebuilt from an older state, such as a page from its
    revision, would otherwise undo a newer version). A save limited by ``update_fields``
    writes what it names and moves nothing. Sync writes the partner's copies with
    ``save_base()``, so a replica keeps the partner's version.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    # How many version_bump() calls this process has made: an instance in hand may be stale once it moves.
    bumps = 0

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            self.version = self.version_next()
        super().save(*args, **kwargs)

    def version_next(self) -> int:
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True).first()
        return max(stored or 0, self.version or 0) + 1

    @classmethod
    def version_bump(cls, *, pk, **changes) -> None:
        """Move a stored row's version on without loading it (a change made to one of its parts)."""
        Versioned.bumps += 1
        cls._base_manager.filter(pk=pk).update(version=F("version") + 1, **changes)


class SharedRecord(Versioned):
    """What every record shared between the regions carries (see DESIGN.md §3)."""

    global_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    origin_region = models.CharField(_("来源地区"), max_length=16, choices=Region.choices, editable=False)
    origin_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    access_level = models.CharField(
        _("访问级别"), max_length=16, choices=AccessLevel.choices, default=AccessLevel.PUBLIC
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.origin_region:
            self.origin_region = settings.PORTAL_REGION
        super().save(*args, **kwargs)

    @property
    def is_replica(self) -> bool:
        return self.origin_region != settings.PORTAL_REGION

    def permissions_for_user(self, user):
        """For shared pages (stories, sites): no admin action on a page the user may not read."""
        from portal.page_permissions import ReadablePagePermissionTester

        return ReadablePagePermissionTester(user, self)
