import pytest

from django.test import override_settings

from portal.settings.environment import Partner
from tests.factories import OrganisationFactory

CHONGQING = Partner(
    region="chongqing", base_url="http://127.0.0.1:9", key_id="cq-key", secret="川渝-shared-secret"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def partners(settings):
    """This process is Sichuan; Chongqing is its partner, holding the shared key."""
    settings.PORTAL_REGION = "sichuan"
    settings.PORTAL_PARTNERS = [CHONGQING]
    return settings.PORTAL_PARTNERS


@pytest.fixture
def sichuan_org(db):
    return OrganisationFactory(code="sc-chengdu", name="成都市委党史研究室", region="sichuan", level="city")


@pytest.fixture
def chongqing_org(db):
    return OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")


@pytest.fixture
def remote_change(chongqing_org, partners):
    """Changes as Chongqing's feed would serve them, made by Chongqing's own serialiser.

    The record is created as if at Chongqing, served, then removed without a trace,
    so this (Sichuan) database receives it as a stranger.
    """
    from materials.services import material_create
    from sync.context import apply_context
    from sync.models import ChangeLog
    from sync.services import change_entry

    def make(*, title="红岩精神研究资料", access_level="public", version=None, global_id=None, **fields):
        with override_settings(PORTAL_REGION="chongqing"):
            extra = {"global_id": global_id} if global_id else {}
            material = material_create(
                organisation=chongqing_org,
                title=title,
                material_type="archive",
                access_level=access_level,
                **extra,
                **fields,
            )
            if version:
                material.version = version
                material.save(bump_version=False)
            row = ChangeLog.objects.filter(global_id=material.global_id).last()
            entry = change_entry(row)
        with apply_context():
            material.delete()
        ChangeLog.objects.filter(global_id=material.global_id).delete()
        return entry

    return make
