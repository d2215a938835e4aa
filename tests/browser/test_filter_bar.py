"""The one filter bar in Chromium: on a desktop its labels never wrap (关键词 on one line); on a
phone the fields stack behind the 筛选 toggle and each list's first result starts near the top."""

import pytest

from tests.browser.conftest import SCREENSHOTS, admin_sign_in, demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services]

# Each list and its first result, as a signed-in staff member of 成都 sees them.
LISTS = {
    "materials": ("/materials/", ".material-list__item"),
    "stories": ("/stories/", ".story-list__item"),
    # The demo's meetings are all held (2020–2021): the past list shows them a year at a time.
    "events": ("/events/past/", ".event-list > *"),
    "projects": ("/research/", ".project-list .project"),
    "experts": ("/research/experts/", ".expert-list .expert"),
    "courses": ("/training/", ".training-course"),
}
# A 390 × 844 phone: the closed bar is one line, and the first result starts in the top three
# quarters of the first screen, under the site's header (176 px signed in), the heading and the lead.
PHONE = {"width": 390, "height": 844}
CLOSED_BAR_MAX_HEIGHT = 60
FIRST_RESULT_MAX_TOP = 640

# The line boxes a label's text takes: one per line it wraps onto.
LINES_OF = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="filter-bar") as site:
        yield site.url


@pytest.fixture(scope="module")
def staff_context(live_site, browser):
    context = browser.new_context(locale="zh-CN")
    admin_sign_in(context.new_page(), live_site, "cd_editor").close()
    yield context
    context.close()


def test_on_a_desktop_no_filter_label_wraps(live_site, staff_context):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = staff_context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    for name, (path, _first) in LISTS.items():
        page.goto(live_site + path)
        bar = page.locator("form.filter-bar")
        assert bar.get_attribute("role") == "search"
        assert page.locator("summary.filter-bar__toggle").is_hidden(), name
        labels = bar.locator(".filter-bar__field label")
        assert labels.count() > 0, name
        for index in range(labels.count()):
            label = labels.nth(index)
            assert label.evaluate(LINES_OF) == 1, (name, label.inner_text())
            # Its control sits below it, as wide as the grid's column.
            control = bar.locator("#" + label.get_attribute("for"))
            assert control.is_visible() and control.bounding_box()["y"] > label.bounding_box()["y"]
    page.goto(live_site + "/materials/")
    keyword = page.get_by_label("关键词", exact=True)
    assert keyword.get_attribute("type") == "search"
    # Reached by the keyboard, the box and the next menu show where the focus is.
    page.locator("body").click(position={"x": 5, "y": 300})
    for _step in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    for control in ("#id_q", "#id_type"):
        assert page.evaluate("document.activeElement.id") == control[1:]
        outline = page.locator(control).evaluate(
            "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
        )
        assert outline.split()[0] != "none" and outline.split()[1] != "0px", outline
        page.keyboard.press("Tab")
    label = page.locator("label[for=id_q]")
    height = label.bounding_box()["height"]
    print(f"\nfilter bar, 1366 px: the 关键词 label is {label.evaluate(LINES_OF)} line, {height:.0f} px high")
    page.screenshot(path=str(SCREENSHOTS / "filter-bar-materials-desktop.png"), full_page=True)
    page.close()


def test_on_a_phone_the_results_come_first_and_the_fields_stack(live_site, staff_context):
    page = staff_context.new_page()
    page.set_viewport_size(PHONE)
    tops, bars = {}, {}
    for name, (path, first) in LISTS.items():
        page.goto(live_site + path)
        panel = page.locator("details.filter-bar__panel")
        assert panel.evaluate("details => details.open") is False, name
        assert page.locator("summary.filter-bar__toggle").is_visible()
        bars[name] = round(panel.bounding_box()["height"])
        result = page.locator(first).first
        assert result.count() == 1, f"{name}: the demo content has no result to measure"
        tops[name] = round(result.bounding_box()["y"])
        page.screenshot(path=str(SCREENSHOTS / f"filter-bar-{name}-phone.png"))
    print(f"\n390 px: closed filter bar height {bars}; first result's top (px from the page's top) {tops}")
    assert all(height <= CLOSED_BAR_MAX_HEIGHT for height in bars.values()), bars
    assert all(top <= FIRST_RESULT_MAX_TOP for top in tops.values()), tops

    page.goto(live_site + "/materials/")
    page.locator("summary.filter-bar__toggle").click()
    fields = page.locator(".filter-bar__field")
    lefts = {round(fields.nth(i).bounding_box()["x"]) for i in range(fields.count())}
    assert len(lefts) == 1, lefts  # one column
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "filter-bar-materials-phone-open.png"), full_page=True)

    page.select_option("select[name=type]", "archive")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url("**/materials/?*type=archive*")
    tag = page.locator('.filter-bar__tag[data-remove="type"]')
    assert tag.is_visible()  # the filters in use show while the bar is closed
    tag.click()
    page.wait_for_url(lambda url: "type=" not in url)
    assert page.locator(".filter-bar__tag").count() == 0
    page.close()
