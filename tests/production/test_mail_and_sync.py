"""Mail to the SMTP sink, a story synced through both proxies, PDFs with the CJK font."""

import pytest

from tests.support.scripts import script
from tests.support.waiting import wait_until

from .support import browser, session_for, shell_lines

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_a_waitlist_promotion_mail_reaches_the_smtp_sink(production):
    sichuan = production.regions["sichuan"]
    sichuan.shell(script("production.waitlist_promotion"))
    wait_until(
        lambda: any("smoke_waiting@example.org" in m.rcpt_tos for m in production.sink.messages),
        timeout=30,
        what="the promotion mail at the sink",
    )
    [mail] = [m for m in production.sink.messages if "smoke_waiting@example.org" in m.rcpt_tos]
    assert mail.mail_from == "portal@example.org"


def test_a_story_published_at_sichuan_appears_at_chongqing_through_the_proxies_with_its_bulletin_pdf(
    production,
):
    sichuan, chongqing = production.regions["sichuan"], production.regions["chongqing"]
    global_id, issue_id = shell_lines(sichuan, script("production.story_with_bulletin"))[-2:]

    def copy():
        return chongqing.query(
            "SELECT p.url_path FROM publicity_story s JOIN wagtailcore_page p ON p.id = s.page_ptr_id "
            "WHERE s.global_id = %s AND p.live",
            (global_id,),
        )

    rows = wait_until(copy, timeout=60, what="the story at Chongqing through the proxies")
    path = "/" + rows[0][0].split("/", 2)[2]
    page = production.session.get(production.url["chongqing"] + path, timeout=10)
    assert page.status_code == 200 and "成都市开展川渝党史联合宣讲" in page.text
    assert page.headers.get("Content-Encoding") == "gzip"  # nginx compresses pages

    pdf = production.session.get(f"{production.url['sichuan']}/bulletins/{issue_id}.pdf", timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"WenQuanYi" in pdf.content  # the CJK font is embedded


def test_a_training_certificate_pdf_renders_with_the_cjk_font_for_its_holder(production):
    sichuan = production.regions["sichuan"]
    code, session_key = shell_lines(
        sichuan, script("production.certificate"), session_for("smoke_trainee")
    )[-2:]
    url = f"{production.url['sichuan']}/training/certificates/{code}.pdf"
    response = browser(production, session_key).get(url, timeout=30)
    assert response.status_code == 200, response.text[:1000]
    assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert b"WenQuanYi" in response.content  # the CJK font is embedded
    from tests.publicity.pdf_reading import Pdf

    pdf = Pdf(response.content)
    assert pdf.uses_embedded_truetype()
    assert pdf.text.startswith("结业证书") and "王学员 同志于" in pdf.text
    # Behind the proxy the printed verification address is the public https one.
    assert f"核验网址：{production.url['sichuan']}/training/verify/{code}/" in pdf.text
    assert browser(production).get(url, allow_redirects=False, timeout=10).status_code != 200  # anonymous
