"""A superuser enrols TOTP on first sign-in and signs in with it after; the admin runs under the CSP."""

import pytest

from tests.accounts.otp_codes import totp_code
from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOTS, demo_site
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    with demo_site(tmp_path_factory, name="two-factor") as site:
        yield site


def _password(page, base):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_superuser_enrols_totp_then_signs_in_with_a_code(live_site, browser):
    from playwright.sync_api import expect

    base = live_site.url
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    _password(page, base)
    # The password alone does not open the admin: enrolment first.
    assert "/admin/two-factor/setup/" in page.url
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.screenshot(path=str(SCREENSHOTS / "two-factor-enrol.png"), full_page=True)
    assert page.goto(base + "/admin/pages/").url.startswith(base + "/admin/two-factor/setup/")

    page.fill("#id_token", totp_code(secret))
    page.click("button[type=submit]")
    codes = page.locator(".recovery-codes li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(base + "/admin/pages/")  # where the admin was going before enrolment
    expect(page.locator("#wagtail")).to_be_visible()

    # The admin works under the CSP: the page editor's inline panels and date choosers start from
    # the static script, and nothing is refused.
    index_id = live_site.shell(
        "from publicity.models import StoryIndexPage; print(StoryIndexPage.objects.get().pk)"
    ).strip()
    page.goto(f"{base}/admin/pages/add/publicity/story/{index_id}/")
    for kind in ("DateChooser", "Chooser"):
        started = page.locator(f'[data-portal-init="{kind}"]').first
        expect(started).to_have_attribute("data-portal-started", "")
    context.close()

    later = browser.new_context(locale="zh-CN")
    page = later.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    _password(page, base)
    assert "/admin/two-factor/verify/" in page.url
    page.fill("#id_token", "000000" if totp_code(secret, steps_ahead=1) != "000000" else "111111")
    page.click("button[type=submit]")
    expect(page.locator(".messages .error")).to_have_text("验证码不正确或已过期，请重试。")

    def right_code_accepted() -> bool:
        # django-otp refuses every try for a second after a wrong code, without counting it.
        page.fill("#id_token", totp_code(secret, steps_ahead=1))
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page.url == base + "/admin/"

    wait_until(
        right_code_accepted, timeout=15, interval=0.3, what="the right code accepted after the throttle"
    )
    page.screenshot(path=str(SCREENSHOTS / "two-factor-signed-in.png"), full_page=True)
    later.close()
    assert violations == []

    audit = live_site.shell(
        "from audit.models import AuditEntry; "
        "print(sorted(AuditEntry.objects.filter(username='admin').values_list('event', flat=True)))"
    )
    for event in ("'otp_enrolled'", "'otp_verified'", "'otp_failed'", "'sign_in'"):
        assert event in audit
