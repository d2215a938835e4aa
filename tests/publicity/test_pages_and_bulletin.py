import pytest

from portal.models import Organisation
from publicity.models import BulletinIssue, Story, StoryIndexPage

pytestmark = pytest.mark.django_db


def test_bulletin_issue_web_page_looks_like_the_printed_issue(client, imported_seed):
    issue = BulletinIssue.objects.get()

    response = client.get(f"/bulletins/{issue.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "重庆党史工作" in html and "第3期" in html and "(总第198期)" in html
    assert "中共重庆市委党史研究室编" in html
    # Sections in order, each once in the contents and once in the body.
    positions = [html.index(f"【{name}】") for name in ("工作动态", "经验交流", "信息短波")]
    assert positions == sorted(positions)
    assert html.count("【工作动态】") == 2
    assert "(市委党史研究室南方局研究室供稿)" in html
    assert "(酉阳县委党史研究室供稿)" in html
    assert "报：中央党史和文献研究院" in html
    assert "责编: 余敬春" in html
    assert client.get(f"/bulletins/{issue.pk + 1}/").status_code == 404


def test_bulletin_page_leaves_out_items_the_reader_may_not_see(client, imported_seed):
    Story.objects.update(access_level="internal")
    issue = BulletinIssue.objects.get()

    assert client.get(f"/bulletins/{issue.pk}/").status_code == 404


def test_bulletin_pdf_carries_the_seed_issue_number(client, imported_seed):
    from PIL import PdfParser

    issue = BulletinIssue.objects.get()
    assert f"/bulletins/{issue.pk}.pdf" in client.get(f"/bulletins/{issue.pk}/").content.decode()

    response = client.get(f"/bulletins/{issue.pk}.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    parser = PdfParser.PdfParser(buf=response.content)
    title = parser.info[b"Title"]
    assert title[2:].decode("utf-16-be") == "重庆党史工作 第3期 (总第198期)"
    # Fourteen items of the seed fill several A4 pages.
    assert parser.page_tree_root[b"Count"] >= 5


def test_next_issue_is_compiled_from_accepted_stories(client, imported_seed):
    import datetime

    from portal.services import staff_user_create_or_update

    from .factories import story_create

    story_index = StoryIndexPage.objects.get()
    qijiang = Organisation.objects.get(name="綦江区委党史地方志研究室")
    brief = story_create(
        index=story_index,
        title="綦江区开展长征文化进校园活动",
        section_slug="news-briefs",
        organisation=qijiang,
        publication_date=datetime.date(2020, 7, 2),
    )
    news = story_create(
        index=story_index,
        title="市委党史研究室召开信息工作会",
        organisation=Organisation.objects.get(name="重庆市委党史研究室"),
        publication_date=datetime.date(2020, 7, 3),
    )
    later = story_create(
        index=story_index,
        title="八月的稿件",
        organisation=qijiang,
        publication_date=datetime.date(2020, 8, 1),
    )
    issue = BulletinIssue.objects.create(
        title="重庆党史工作",
        region="chongqing",
        year=2020,
        number=4,
        total_number=199,
        date=datetime.date(2020, 7, 10),
    )
    editor = staff_user_create_or_update(
        username="cq_admin",
        organisation=news.origin_organisation,
        roles=["administrator"],
        password="pw-123456",
    )
    client.force_login(editor)

    preview = client.get(f"/admin/publicity/bulletins/{issue.pk}/compile/")
    assert "綦江区开展长征文化进校园活动" in preview.content.decode()
    assert "八月的稿件" not in preview.content.decode()
    client.post(f"/admin/publicity/bulletins/{issue.pk}/compile/")

    assert list(issue.stories.order_by("bulletin_order")) == [news, brief]
    later.refresh_from_db()
    assert later.bulletin_issue is None
    html = client.get(f"/bulletins/{issue.pk}/").content.decode()
    assert "(总第199期)" in html and "(綦江区委党史地方志研究室供稿)" in html
