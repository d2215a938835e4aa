"""Writes stay in the organisation's lane: forms offer, and accept, only what it may touch."""

import io

import pytest
from openpyxl import load_workbook

from django.contrib.auth import get_user_model
from django.test import override_settings

from portal.exports import csv_bytes, safe_cell, xlsx_bytes, xlsx_sheet_append
from portal.models import Organisation
from portal.services import staff_user_create_or_update
from research.models import Milestone, Project, ProjectMember, ProjectOutput
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lanes():
    own = OrganisationFactory(
        code="sc-lane-own", name="车道成都市委党史研究室", region="sichuan", level="city"
    )
    other = OrganisationFactory(
        code="sc-lane-other", name="车道绵阳市委党史研究室", region="sichuan", level="city"
    )
    partner = OrganisationFactory(code="cq-lane", name="车道綦江区委党史研究室", region="chongqing")
    roles = ["editor", "researcher", "administrator"]
    researcher = staff_user_create_or_update(username="lane_own", organisation=own, roles=roles)
    theirs = Project.objects.create(
        title="别家的内部课题", origin_organisation=other, access_level="internal"
    )
    theirs.lead_organisations.set([other])
    ours = Project.objects.create(title="本单位课题", origin_organisation=own, access_level="partners")
    ours.lead_organisations.set([own])
    return {
        "own": own,
        "other": other,
        "partner": partner,
        "user": researcher,
        "theirs": theirs,
        "ours": ours,
    }


@pytest.mark.parametrize(
    ("model", "data", "created"),
    [
        ("milestone", {"title": "越界节点", "due_date": "2030-01-01", "state": "planned"}, Milestone),
        ("projectoutput", {"title": "越界成果", "kind": "report", "url": ""}, ProjectOutput),
        ("projectmember", {"full_name": "越界组员", "role": "member"}, ProjectMember),
    ],
)
def test_parts_of_another_organisations_project_are_refused_even_when_posted_by_hand(
    client, lanes, model, data, created
):
    client.force_login(lanes["user"])
    form = client.get(f"/admin/snippets/research/{model}/add/").content.decode()
    assert "别家的内部课题" not in form
    posted = {**data, "project": lanes["theirs"].pk, "organisation": lanes["own"].pk}
    response = client.post(f"/admin/snippets/research/{model}/add/", posted)
    assert response.status_code == 200  # the form again, with its error
    assert not created.objects.filter(project=lanes["theirs"]).exists()
    # The own organisation's project is accepted by the same form.
    response = client.post(f"/admin/snippets/research/{model}/add/", {**posted, "project": lanes["ours"].pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert created.objects.filter(project=lanes["ours"]).exists()


@pytest.mark.parametrize("owner", ["other", "partner"])
def test_a_project_is_never_created_for_another_organisation_or_the_partner_region(client, lanes, owner):
    client.force_login(lanes["user"])
    data = {
        "title": "越界课题",
        "summary": "",
        "status": "proposed",
        "lead_organisations": [lanes["own"].pk],
        "origin_organisation": lanes[owner].pk,
        "access_level": "partners",
    }
    assert client.post("/admin/snippets/research/project/add/", data).status_code == 200
    assert not Project.objects.filter(title="越界课题").exists()
    superuser = get_user_model().objects.create_superuser("lane_root", password="pass-word-123")
    client.force_login(superuser)
    client.post("/admin/snippets/research/project/add/", {**data, "origin_organisation": lanes["partner"].pk})
    assert not Project.objects.filter(title="越界课题").exists()


def test_the_members_form_offers_only_staff_accounts(client, lanes):
    get_user_model().objects.create_user("lane_plain_account", password="pass-word-123")
    inactive = get_user_model().objects.create_user("lane_stand_in", is_active=False)
    Organisation.objects.get(pk=lanes["partner"].pk).staff.create(user=inactive)
    client.force_login(lanes["user"])
    form = client.get("/admin/snippets/research/projectmember/add/").content.decode()
    assert "lane_plain_account" not in form and "lane_stand_in" not in form
    response = client.post(
        "/admin/snippets/research/projectmember/add/",
        {"project": lanes["ours"].pk, "user": inactive.pk, "organisation": lanes["own"].pk, "role": "member"},
    )
    assert response.status_code == 200 and not ProjectMember.objects.filter(user=inactive).exists()


def test_choosers_list_only_what_the_user_may_read(client, lanes):
    client.force_login(lanes["user"])
    chooser = client.get("/admin/snippets/choose/research/project/").json()["html"]
    assert "本单位课题" in chooser and "别家的内部课题" not in chooser
    chosen = client.get(f"/admin/snippets/choose/research/project/chosen/{lanes['theirs'].pk}/")
    assert chosen.status_code == 404


def test_an_organisation_administrator_edits_only_its_contact_fields(client, lanes):
    client.force_login(lanes["user"])
    listing = client.get("/admin/snippets/portal/organisation/").content.decode()
    assert "车道成都市委党史研究室" in listing and "车道绵阳市委党史研究室" not in listing
    for foreign in ("other", "partner"):
        response = client.get(f"/admin/snippets/portal/organisation/edit/{lanes[foreign].pk}/")
        assert response.status_code in (302, 403, 404)
    url = f"/admin/snippets/portal/organisation/edit/{lanes['own'].pk}/"
    form = client.get(url).content.decode()
    assert 'name="website"' in form and 'name="code"' not in form and 'name="region"' not in form
    response = client.post(
        url,
        {
            "name": "车道成都市委党史研究室",
            "short_name": "车道成都",
            "name_en": "",
            "website": "https://example.org/",
            # Posted by hand: not fields of this form, so never applied.
            "code": "hijacked",
            "region": "chongqing",
            "level": "province",
            "parent": lanes["other"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    own = Organisation.objects.get(pk=lanes["own"].pk)
    assert own.website == "https://example.org/"
    assert (own.code, own.region, own.level, own.parent_id) == ("sc-lane-own", "sichuan", "city", None)


@pytest.mark.parametrize("text", ['=HYPERLINK("https://evil")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_spreadsheet_cell_is_written_as_text(text):
    assert safe_cell(text) == "'" + text
    assert csv_bytes([[text]]).decode("utf-8-sig").lstrip('"').startswith("'" + text[:1])
    from openpyxl import Workbook

    workbook = Workbook()
    xlsx_sheet_append(workbook.active, [text, 3])
    cell, number = next(load_workbook(io.BytesIO(xlsx_bytes(workbook))).active.iter_rows(values_only=True))
    # (XML reads a carriage return back as a line feed; the cell is text either way.)
    assert cell.startswith("'") and cell[2:] == text[1:] and number == 3


def test_the_quarterly_report_writes_a_renamed_organisation_as_text(client, lanes):
    from publicity.reports import quarterly_xlsx
    from publicity.selectors import QuarterlyRow

    Organisation.objects.filter(pk=lanes["own"].pk).update(name='=HYPERLINK("https://evil","x")')
    row = QuarterlyRow(organisation=Organisation.objects.get(pk=lanes["own"].pk), submitted=1)
    sheet = load_workbook(io.BytesIO(quarterly_xlsx(rows=[row], year=2020, quarter=2))).active
    names = [r[1] for r in sheet.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("https://evil","x")' in names
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


@override_settings(DEBUG=True)
def test_the_dev_media_route_never_serves_private_files(client, settings, tmp_path):
    from portal.views import public_media

    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "secret.pdf").write_bytes(b"%PDF secret")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "open.txt").write_bytes(b"open")
    from django.http import Http404
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    for path in (
        "private/secret.pdf",
        "/private/secret.pdf",
        "./private/secret.pdf",
        "images/../private/secret.pdf",
        "images/./../private//secret.pdf",
        "../" + tmp_path.name + "/private/secret.pdf",
    ):
        with pytest.raises(Http404):
            public_media(request, path)
    assert b"".join(public_media(request, "images/open.txt").streaming_content) == b"open"
