"""An editor deposits a material with a file in the admin; a reader finds it by filter and downloads it."""

from pathlib import Path

import pytest

from tests.browser.conftest import SCREENSHOTS, demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services]

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TITLE = "綦江区第三批抗战纪念设施遗址申报材料"


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="materials", region="chongqing") as site:
        yield site.url


def test_editor_deposits_a_material_and_a_reader_finds_it_by_filter(live_site, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    editor = browser.new_context(locale="zh-CN")
    page = editor.new_page()
    page.goto(live_site + "/admin/login/")
    page.fill("input[name=username]", "qj_editor")
    page.fill("input[name=password]", "chuanyu-demo-2020")
    page.click("button[type=submit]")
    page.wait_for_url(live_site + "/admin/")

    page.goto(live_site + "/admin/snippets/materials/material/add/")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=material_type]", "report")
    page.select_option("select[name=period]", "new_democratic")
    page.fill("textarea[name=description]", "綦江区委党史地方志研究室会同区退役军人事务局整理的申报材料。")
    page.get_by_label("地点：綦江").check()
    page.select_option("select[name=access_level]", "public")
    page.set_input_files(
        "input[name=upload]", files=[{"name": "申报材料.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.screenshot(path=str(SCREENSHOTS / "materials-admin-deposit.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / "materials-admin-saved.png"), full_page=True)
    page.wait_for_url(live_site + "/admin/snippets/materials/material/")
    assert TITLE in page.content()
    editor.close()

    reader = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = reader.new_page()
    page.goto(live_site + "/materials/")
    page.select_option("select[name=type]", "report")
    page.select_option("select[name=period]", "new_democratic")
    page.select_option("select[name=place]", label="綦江")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/materials/?*type=report*")
    results = page.locator(".material-list__item")
    assert results.count() == 1
    assert results.first.inner_text().startswith(TITLE)
    page.screenshot(path=str(SCREENSHOTS / "materials-filter.png"), full_page=True)

    page.get_by_role("link", name=TITLE).click()
    assert page.locator("h1").inner_text() == TITLE
    page.screenshot(path=str(SCREENSHOTS / "materials-detail.png"), full_page=True)
    with page.expect_download() as download_info:
        page.locator("a.download").click()
    download = download_info.value
    assert download.suggested_filename == "申报材料.pdf"
    assert Path(download.path()).read_bytes() == PDF
    reader.close()
