import pytest

from portal.models import Organisation
from publicity.models import BulletinIssue, Story, StoryIndexPage

from .pdf_reading import Pdf

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


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
    # Imported with full-width punctuation in its Chinese text.
    assert "市委党史研究室举办“读党史、守初心、担使命”读书分享活动" in html
    assert "5月15日上午，市委党史研究室召开室务会，" in html
    assert "报：中央党史和文献研究院" in html
    assert "责编: 余敬春" in html
    assert client.get(f"/bulletins/{issue.pk + 1}/").status_code == 404


def test_bulletin_page_leaves_out_items_the_reader_may_not_see(client, imported_seed):
    Story.objects.update(access_level="internal")
    issue = BulletinIssue.objects.get()

    assert client.get(f"/bulletins/{issue.pk}/").status_code == 404


def test_bulletin_pdf_carries_the_seed_issue_number(client, imported_seed):
    issue = BulletinIssue.objects.get()
    assert f"/bulletins/{issue.pk}.pdf" in client.get(f"/bulletins/{issue.pk}/").content.decode()

    response = client.get(f"/bulletins/{issue.pk}.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = Pdf(response.content)
    assert pdf.info["Title"] == "重庆党史工作 第3期 (总第198期)"
    assert pdf.info["Author"] == "中共重庆市委党史研究室"
    # A text PDF in an embedded TrueType subset, not page images: it reads the same on any machine.
    assert pdf.uses_embedded_truetype() and b"WenQuanYiMicroHei" in response.content
    assert b"/Subtype /Image" not in response.content
    # Fourteen items of the seed fill several A4 pages.
    assert len(pdf.pages) >= 5


def test_bulletin_pdf_is_laid_out_like_the_printed_issue(client, imported_seed):
    issue = BulletinIssue.objects.get()

    pdf = Pdf(client.get(f"/bulletins/{issue.pk}.pdf").content)

    first = pdf.page_text(pdf.pages[0]).splitlines()
    masthead = [line for line in first if not line.startswith("—")]
    assert masthead[:4] == ["重庆党史工作", "第3期 (总第198期)", "中共重庆市委党史研究室编", "2020年6月9日"]
    text = pdf.text
    # Contents first, then the items, section by section.
    positions = [text.index(f"【{name}】") for name in ("工作动态", "经验交流", "信息短波")]
    assert positions == sorted(positions) and text.count("【工作动态】") == 2
    contents_end = text.index("【工作动态】", positions[0] + 1)
    assert "市委党史研究室专题研究 2020 年意识形态工作" in text[:contents_end]
    assert "5月15日上午，市委党史研究室召开室务会" in text[contents_end:]
    assert "（市委党史研究室宣教处供稿）" in text and "（酉阳县委党史研究室供稿）" in text
    # A short item whose title is its opening words is printed once, as on paper.
    assert text[contents_end:].count("酉阳县委党史研究室联合县红色景区管委会开展") == 1
    # Distribution and editor close the last page; every page is numbered.
    last = pdf.page_text(pdf.pages[-1])
    assert "报：中央党史和文献研究院" in last and "发：各区(县)委党史部门" in last
    assert last.rstrip().endswith("责编: 余敬春 电话: 023-63898542 邮箱: xjc8542@163.com")
    assert f"— {len(pdf.pages)} —" in last


def test_bulletin_pdf_leaves_out_items_the_reader_may_not_see(client, imported_seed):
    issue = BulletinIssue.objects.get()
    hidden = Story.objects.get(title="沙坪坝区史志工作机构调整")
    Story.objects.filter(pk=hidden.pk).update(access_level="internal")

    text = Pdf(client.get(f"/bulletins/{issue.pk}.pdf").content).text

    assert "沙坪坝区史志工作机构调整" not in text and "九龙坡区委党史研究室" in text


def test_bulletin_pdf_prints_titles_with_markup_characters_as_written(client, imported_seed):
    import datetime

    from .factories import story_create

    issue = BulletinIssue.objects.create(
        title="四川党史工作", region="sichuan", year=2020, number=5, date=datetime.date(2020, 7, 1)
    )
    story = story_create(index=StoryIndexPage.objects.get(), title="《红岩》研讨会 <纪要> & 问答")
    Story.objects.filter(pk=story.pk).update(bulletin_issue=issue)

    response = client.get(f"/bulletins/{issue.pk}.pdf")

    pdf = Pdf(response.content)
    assert response.status_code == 200 and pdf.info["Title"] == "四川党史工作 第5期"
    assert "《红岩》研讨会 <纪要> & 问答" in pdf.text and "&amp;" not in pdf.text


def test_without_a_cjk_font_the_pdf_answers_503_naming_the_package(client, imported_seed, settings):
    settings.PDF_CJK_FONT_FILES = ["/nonexistent/wqy-microhei.ttc"]
    issue = BulletinIssue.objects.get()

    response = client.get(f"/bulletins/{issue.pk}.pdf")

    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    assert "fonts-wqy-microhei" in response.content.decode()
    english = client.get(f"/en/bulletins/{issue.pk}.pdf").content.decode()
    assert "fonts-wqy-microhei" in english and "Chinese font" in english
    # The web version of the issue is unaffected.
    assert client.get(f"/bulletins/{issue.pk}/").status_code == 200


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


def test_bulletin_archive_lists_issues_by_year_with_their_readable_items(client, imported_seed):
    issue = BulletinIssue.objects.get()
    readable = Story.objects.filter(bulletin_issue=issue).count()

    html = client.get("/bulletins/").content.decode()

    assert "2020年" in html
    assert f'href="/bulletins/{issue.pk}/"' in html and "重庆党史工作 第3期 (总第198期)" in html
    assert f"{readable} 篇" in html
    assert f'href="/bulletins/{issue.pk}.pdf"' in html


def test_bulletin_archive_leaves_out_issues_the_reader_may_read_nothing_of(client, imported_seed):
    Story.objects.update(access_level="internal")

    html = client.get("/bulletins/").content.decode()

    assert "重庆党史工作 第3期" not in html
    assert "还没有可以查阅的简报。" in html


def test_the_bulletin_issue_is_the_current_crumb_below_the_archive(client, imported_seed):
    from bs4 import BeautifulSoup

    issue = BulletinIssue.objects.get()
    soup = BeautifulSoup(client.get(f"/bulletins/{issue.pk}/").content, "html.parser")
    assert soup.select_one(".breadcrumbs a[href='/bulletins/']")
    current = soup.select('.breadcrumbs [aria-current="page"]')
    assert [c.get_text(strip=True) for c in current] == [str(issue)]
