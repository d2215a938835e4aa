"""Writes for the materials repository: deposits, new file versions, download logs.

The bulk import and text extraction are ``services.imports`` and ``services.extraction``.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Event
from audit.services import audit_record
from portal.models import Organisation, Topic
from sync.services.feed import one_change_per_record

from ..models import DownloadLog, Material, MaterialFile
from ..validators import CheckedUpload, check_upload


def _delete_stored(names: list[str], storage) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


@contextlib.contextmanager
def _stored_files_cleanup():
    """Delete files written inside the block when the block fails: a rejected deposit leaves nothing."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        _delete_stored(written, MaterialFile._meta.get_field("file").storage)
        raise


def _store_version(
    *,
    material: Material,
    uploaded_file,
    name: str,
    user,
    checked: CheckedUpload,
    written: list[str],
    first: bool = False,
) -> MaterialFile:
    if first:  # a material created in this transaction: no one else can see it yet
        latest = 0
    else:
        # Lock the material so two uploads cannot take the same version number.
        Material.objects.select_for_update().filter(pk=material.pk).first()
        latest = material.files.aggregate(latest=Max("version"))["latest"] or 0
    record = MaterialFile(
        material=material,
        version=latest + 1,
        original_name=name[:255],
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        uploaded_at=timezone.now(),
    )
    record.file.save(name, uploaded_file, save=False)
    written.append(record.file.name)
    record.save()
    return record


def material_file_add(
    *, material: Material, uploaded_file, user=None, name: str | None = None
) -> MaterialFile:
    """Store a new version of the material's file; older versions stay downloadable."""
    name = name or uploaded_file.name
    # Validate before any write so a rejected file leaves no row and no file.
    checked = check_upload(uploaded_file, name=name)
    # One transaction, logged as one change of the material (not one for the file, one for the save).
    with _stored_files_cleanup() as written, one_change_per_record():
        record = _store_version(
            material=material,
            uploaded_file=uploaded_file,
            name=name,
            user=user,
            checked=checked,
            written=written,
        )
        material.save()  # a new file is a new version of the record
    return record


def material_save(
    *,
    material: Material,
    user=None,
    uploaded_file=None,
    file_name: str | None = None,
    checked: CheckedUpload | None = None,
    save_related=None,
):
    """Save a material edited in the admin, with an optional new file version; all or nothing.

    ``checked`` is the result of check_upload() when the caller (a form) has already run it.
    """
    name = file_name or (uploaded_file.name if uploaded_file is not None else "")
    if uploaded_file is not None and checked is None:
        checked = check_upload(uploaded_file, name=name)
    with _stored_files_cleanup() as written, one_change_per_record():
        created = material.pk is None
        if created and getattr(user, "is_authenticated", False):
            material.deposited_by = user
        material.save()
        if save_related is not None:
            save_related()
        if uploaded_file is not None:
            _store_version(
                material=material,
                uploaded_file=uploaded_file,
                name=name,
                user=user,
                checked=checked,
                written=written,
                first=created,
            )
    return material


def material_create(
    *,
    organisation: Organisation,
    title: str,
    material_type: str,
    uploaded_file=None,
    file_name: str | None = None,
    user=None,
    topics: list[Topic] | None = None,
    **fields,
) -> Material:
    """Deposit a material, with its first file when one is given; all or nothing."""
    depositor = user if getattr(user, "is_authenticated", False) else None
    # The checks full_clean is spared below: a unit and a depositor the caller holds must be stored rows.
    if getattr(organisation, "pk", None) is None:
        raise ValidationError({"origin_organisation": _("资料须属于一个已保存的单位。")})
    if depositor is not None and depositor.pk is None:
        raise ValidationError({"deposited_by": _("提交人须是已保存的账号。")})
    checked = None
    if uploaded_file is not None:
        file_name = file_name or uploaded_file.name
        checked = check_upload(uploaded_file, name=file_name)
    # The record, its topics and its first file travel as one change.
    with _stored_files_cleanup() as written, one_change_per_record():
        material = Material(
            origin_organisation=organisation,
            title=title,
            material_type=material_type,
            deposited_by=depositor,
            **fields,
        )
        # Not asked of the database again: the organisation and the depositor are rows the caller holds
        # (checked above), and a global id not given is a new uuid4; one given is checked as unique.
        unchecked = {"origin_organisation", "deposited_by"} | ({"global_id"} - fields.keys())
        material.full_clean(exclude=unchecked)
        material.save()
        if topics:
            material.topics.set(topics)
        if uploaded_file is not None:
            _store_version(
                material=material,
                uploaded_file=uploaded_file,
                name=file_name,
                user=user,
                checked=checked,
                written=written,
                first=True,
            )
    return material


def download_log_record(*, user, material_file: MaterialFile) -> DownloadLog:
    audit_record(
        event=Event.DOWNLOAD,
        user=user,
        target=f"{material_file.material.global_id} v{material_file.version}",
        details={"access_level": material_file.material.access_level, "file": material_file.original_name},
    )
    return DownloadLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        material=material_file.material,
        file=material_file,
        version=material_file.version,
        access_level=material_file.material.access_level,
    )
