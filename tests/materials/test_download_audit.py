"""Downloads of non-public files go into the security audit log, once each; public ones do not."""

import pytest

from audit.models import AuditEntry, Event
from materials.services import material_create

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def test_each_non_public_download_is_audited_once(client, own_organisation, own_editor):
    internal, public = (
        material_create(
            organisation=own_organisation,
            title=f"{level}资料",
            material_type="archive",
            access_level=level,
            uploaded_file=pdf_upload(f"{level}.pdf"),
            user=own_editor,
        )
        for level in ("internal", "public")
    )
    client.force_login(own_editor)
    assert client.get(f"/materials/{internal.global_id}/files/1/").status_code == 200
    assert client.get(f"/materials/{public.global_id}/files/1/").status_code == 200
    entries = AuditEntry.objects.filter(event=Event.DOWNLOAD)
    assert [(e.username, e.target, e.details["access_level"]) for e in entries] == [
        (own_editor.username, f"{internal.global_id} v1", "internal")
    ]
    assert entries[0].ip_address == "127.0.0.1" and entries[0].path.endswith("/files/1/")
