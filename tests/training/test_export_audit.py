"""Every roster export goes into the security audit log once; a refused one is logged as a refusal."""

import pytest

from django.test import Client

from audit.models import AuditEntry, Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_roster_exports_are_audited_once(session, trainer, organisations, extension):
    from .factories import staff

    organiser = Client()
    organiser.force_login(trainer)
    assert organiser.get(f"/training/sessions/{session.pk}/roster.{extension}").status_code == 200
    exports = AuditEntry.objects.filter(event=Event.EXPORT)
    assert [(e.username, e.path) for e in exports] == [
        (trainer.username, f"/training/sessions/{session.pk}/roster.{extension}")
    ]

    stranger = Client()
    stranger.force_login(staff("outsider", organisations["chongqing"]))
    refused = stranger.get(f"/training/sessions/{session.pk}/roster.{extension}")
    assert refused.status_code in (403, 404)
    assert AuditEntry.objects.filter(event=Event.EXPORT).count() == 1
