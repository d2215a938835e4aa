"""A hostile partner's records and feed pages that would crash, hang on ours, or swamp the pull."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django.core.management import call_command

from materials.models import Material
from sync.models import PartnerCursor, QuarantinedChange
from tests.factories import OrganisationFactory

from .. import hostile
from ..conftest import CHONGQING
from ..hostile import quarantined

ROOT = Path(__file__).resolve().parents[3]


def test_a_nul_in_a_record_or_a_request_is_refused_not_a_crash(partner, organisations, client):
    bad = partner.add(hostile.story(title="綦江\u0000故事"))
    bad["payload"]["fields"]["summary"] = "\x00" * 10
    good = partner.add(hostile.material(title="之后的资料", data=None))
    call_command("sync_pull")
    assert quarantined(bad).reason == "bad_value" and "\x00" not in str(quarantined(bad).change)
    assert Material.objects.filter(global_id=good["global_id"]).exists()
    assert client.get("/sync/changes%00?after=0").status_code in (401, 404)


def test_a_partner_cannot_hang_its_records_on_ours(partner, organisations):
    from training.models import Course, Session

    ours = Course.objects.create(title="四川党史培训班", origin_organisation=organisations["sc"])
    session = hostile.record(
        "training.session",
        fields={
            "course": str(ours.global_id),
            "title": "挂在四川课程下的班次",
            "starts_on": "2030-05-01",
            "ends_on": "2030-05-03",
            "venue": "綦江",
            "trainer_names": "",
            "capacity": 30,
            "enrolment_opens": "2030-04-01T00:00:00+08:00",
            "enrolment_closes": "2030-04-20T00:00:00+08:00",
            "eligibility": "both_regions",
        },
        m2m={"invited_organisations": ["sc-yaan"]},
        children={"sittings": []},
    )
    partner.add(session)
    expert = partner.add(
        hostile.record(
            "research.expert",
            fields={"name": "张三", "organisation": "sc-yaan", "affiliation": "", "title": "", "bio": ""},
            m2m={"fields": []},
        )
    )
    call_command("sync_pull")
    assert quarantined(session).reason == "forged_reference"
    assert quarantined(expert).reason == "forged_organisation"
    assert not Session.objects.filter(global_id=session["global_id"]).exists()


def test_an_oversized_feed_page_is_read_in_smaller_pages_and_a_single_oversized_change_is_quarantined(
    partner, organisations, settings
):
    settings.SYNC_PAGE_MAX_BYTES = 16 * 1024
    small = [partner.add(hostile.material(title=f"资料{n}", data=None)) for n in range(40)]
    monster = partner.add(hostile.material(title="巨" * 200, data=None))
    monster["payload"]["fields"]["description"] = "长" * 20_000
    after = partner.add(hostile.material(title="之后的资料", data=None))

    call_command("sync_pull")

    assert Material.objects.filter(global_id__in=[c["global_id"] for c in small]).count() == 40
    entry = QuarantinedChange.objects.get(seq=monster["seq"])
    assert entry.reason == "page_too_large"
    assert not Material.objects.filter(global_id=monster["global_id"]).exists()
    assert Material.objects.filter(global_id=after["global_id"]).exists()
    assert PartnerCursor.objects.get(region="chongqing").after_seq == after["seq"]


def test_a_redirected_feed_page_is_not_followed(partner, listener, organisations):
    from sync.errors import SyncError
    from sync.services.pull import partner_pull

    partner.add(hostile.material(data=None))
    partner.redirect_feed_to = f"{listener.url}/sync/changes?after=0"
    with pytest.raises(SyncError):
        partner_pull(partner_region="chongqing")
    assert listener.heard == []
    assert "redirect" in PartnerCursor.objects.get(region="chongqing").last_error


def test_over_long_section_names_are_cut_to_our_columns_never_a_database_error(partner, home):
    from publicity.models import Section, Story

    limits = {name: Section._meta.get_field(name).max_length for name in ("name", "name_en", "slug")}

    def story(slug, name, name_en):
        change = hostile.story()
        change["payload"]["fields"]["syndication"].update(
            section=slug, section_name=name, section_name_en=name_en
        )
        return partner.add(change)

    long = story("long-names", "长" * 200, "L" * 200)
    # Its name cut to the column is taken now: the slug is added, and the whole still fits.
    again = story("long-names-too", "长" * 200, "")
    long_slug = story("s" * (limits["slug"] + 1), "栏目", "")
    after = partner.add(hostile.material(title="之后的资料", data=None))

    call_command("sync_pull")

    first = Story.objects.get(global_id=long["global_id"]).section
    assert (first.name, first.name_en) == ("长" * limits["name"], "L" * limits["name_en"])
    second = Story.objects.get(global_id=again["global_id"]).section
    assert second.name.endswith("（long-names-too）") and len(second.name) == limits["name"]
    assert quarantined(long_slug).reason == "bad_value"
    assert Material.objects.filter(global_id=after["global_id"]).exists()


@pytest.mark.django_db(transaction=True)
def test_the_pull_stays_small_against_a_400_mb_file_declared_as_one_byte(settings, tmp_path):
    """Peak RSS of a real ``sync_pull`` process, beside the same pull of an honest 1-byte file."""
    from django.db import connection

    OrganisationFactory(code="cq-qijiang", name="綦江区委党史地方志研究室", region="chongqing")
    server = hostile.HostilePartner(key_id=CHONGQING.key_id, secret=CHONGQING.secret)
    streamed = []

    def endless():
        for _ in range(400 * 16):  # 400 MB in 64 KiB chunks, made as they are read
            streamed.append(1)
            yield b"\0" * (64 * 1024)

    try:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PORTAL_REGION": "sichuan",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "PORTAL_PARTNERS": (
                f'[{{"region": "chongqing", "base_url": "{server.url}", '
                f'"key_id": "{CHONGQING.key_id}", "secret": "{CHONGQING.secret}"}}]'
            ),
        }

        def pull_peak_mb() -> tuple[float, str]:
            # The peak of the pull's own address space (VmHWM): ru_maxrss would also count the
            # pytest process the child was forked from.
            result = subprocess.run(
                [sys.executable, "-m", "tests.support.scripts.sync_pull_peak"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            output = result.stdout + result.stderr
            peak_kb = re.search(r"^PEAK (\d+)", result.stdout, re.M)
            assert peak_kb, output
            return int(peak_kb.group(1)) / 1024, output

        # The baseline: the same pull of the same record with its 1-byte file as declared.
        fair = server.add(hostile.material(data=b"x"))
        server.files[hostile.file_path(fair)] = (200, b"x", {})
        baseline, _ = pull_peak_mb()
        assert Material.objects.filter(global_id=fair["global_id"]).exists()
        huge = server.add(hostile.material(data=b"x"))
        server.files[hostile.file_path(huge)] = (200, endless, {})
        peak, output = pull_peak_mb()
    finally:
        server.close()
    print(
        f"\nsync_pull peak RSS: {peak:.0f} MB against a 400 MB file declared as 1 byte (the same pull "
        f"of a 1-byte file: {baseline:.0f} MB; {len(streamed) * 64} KiB sent before we hung up)"
    )
    assert "1 refused" in output, output
    assert QuarantinedChange.objects.get(global_id=huge["global_id"]).reason == "too_large"
    assert peak < baseline + 32, (peak, baseline)
    assert len(streamed) * 64 * 1024 < 16 * 1024 * 1024
