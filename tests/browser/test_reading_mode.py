"""长辈模式 (适老化) in Chromium: larger text and stronger contrast that hold on every page once chosen,
and a focus ring on the red site menu that a keyboard reader can see."""

import pytest

from tests.browser.conftest import demo_site

pytestmark = [pytest.mark.browser, pytest.mark.services]

# Computed styles of an element: font size in px, and the contrast of its text (or outline) against the
# first opaque background behind it, by WCAG 2's relative luminance.
STYLES = """(selector) => {
  const element = selector ? document.querySelector(selector) : document.activeElement;
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let behind = element, background = "rgb(255, 255, 255)";
  while (behind) {
    const colour = getComputedStyle(behind).backgroundColor;
    if (colour !== "transparent" && !colour.startsWith("rgba(0, 0, 0, 0)")) { background = colour; break; }
    behind = behind.parentElement;
  }
  const style = getComputedStyle(element);
  return {
    fontSize: parseFloat(style.fontSize),
    textContrast: contrast(style.color, background),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineContrast: style.outlineStyle === "none" ? 0 : contrast(style.outlineColor, background),
    boxShadow: style.boxShadow,
  };
}"""


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="reading-mode") as site:
        yield site.url


def test_elderly_mode_enlarges_text_strengthens_contrast_and_persists(live_site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(live_site + "/")
    body_off = page.evaluate(STYLES, "body")
    meta_off = page.evaluate(STYLES, ".story-list__meta")
    toggle = page.locator("[data-reading-mode-toggle]").first
    assert toggle.get_attribute("aria-pressed") == "false"

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert "reading-mode-large" in page.locator("html").get_attribute("class")
    assert page.locator("[data-reading-mode-toggle]").first.get_attribute("aria-pressed") == "true"
    body_on = page.evaluate(STYLES, "body")
    meta_on = page.evaluate(STYLES, ".story-list__meta")
    assert body_on["fontSize"] >= body_off["fontSize"] * 1.2
    assert body_on["textContrast"] > body_off["textContrast"]
    # The muted lines (dates, units) too, not only the body text.
    assert meta_on["textContrast"] > meta_off["textContrast"] and meta_on["textContrast"] >= 7

    page.goto(live_site + "/stories/")
    assert "reading-mode-large" in page.locator("html").get_attribute("class")
    assert page.evaluate(STYLES, "body")["fontSize"] == body_on["fontSize"]

    page.locator("[data-reading-mode-toggle]").first.click()
    page.goto(live_site + "/")
    assert page.evaluate(STYLES, "body")["fontSize"] == body_off["fontSize"]
    page.close()


def test_a_keyboard_reader_sees_where_focus_is_on_the_red_menu(live_site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(live_site + "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('#site-nav-menu')"):
            break
    else:
        pytest.fail("Tab never reached a link of the site menu")
    focused = page.evaluate(STYLES, None)
    visible_outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2
    assert visible_outline or focused["boxShadow"] != "none", focused
    # WCAG 1.4.11: a focus indicator at least 3:1 against the red bar behind it.
    assert focused["outlineContrast"] >= 3, focused
    page.close()
