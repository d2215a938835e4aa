"""Production as shipped: both regions under production settings behind Debian's nginx with TLS,
on the real PostgreSQL, Redis, Elasticsearch and clamd, mail to a local SMTP sink."""

import json
import os
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import time
import types

import pytest
import requests

from sync.live import TWO_ORGANISATIONS, LiveRegions, redis_database, wait_until
from tests.clamd import EICAR, clamd_binary, clamd_start
from tests.conftest import ROOT, free_port

pytestmark = [pytest.mark.services, pytest.mark.slow]

HOSTS = {"sichuan": "127.0.0.1", "chongqing": "127.0.0.2"}

SETUP = (
    TWO_ORGANISATIONS
    + """
from wagtail.models import Page, Site
from portal.models import HomePage
from publicity.models import StoryIndexPage
root = Page.get_first_root_node()
home = HomePage(title="川渝党史", slug="portal-home")
root.add_child(instance=home)
home.save_revision().publish()
Site.objects.all().delete()
Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="川渝党史")
for page in root.get_children().exclude(pk=home.pk):
    page.delete()
index = StoryIndexPage(title="稿件", slug="stories")
home.add_child(instance=index)
index.save_revision().publish()
"""
)


class SmtpSink:
    """aiosmtpd on loopback, keeping what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def make_certificate(folder):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=portal-smoke",
         "-addext", "subjectAltName=IP:127.0.0.1,IP:127.0.0.2",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / "cert.pem", folder / "key.pem"


def nginx_start(folder, values):
    template = (ROOT / "deploy" / "nginx" / "portal.conf.template").read_text()
    site = string.Template(template).safe_substitute(values)
    assert "${" not in site, "a placeholder of the template was not filled"
    (folder / "portal.conf").write_text(site)
    temp = folder / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {folder}/nginx-access.log;\n"
        f" client_body_temp_path {temp}/body;\n proxy_temp_path {temp}/proxy;\n"
        f" fastcgi_temp_path {temp}/fastcgi;\n uwsgi_temp_path {temp}/uwsgi;\n scgi_temp_path {temp}/scgi;\n"
        f" include {folder}/portal.conf;\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tested = subprocess.run([nginx, "-t", "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr
    process = subprocess.Popen([nginx, "-c", str(folder / "nginx.conf")], stderr=subprocess.STDOUT,
                               stdout=open(folder / "nginx.out", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(values["HTTPS_PORT"])), timeout=1).close()
            return process
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (folder / "nginx-error.log").read_text()
            time.sleep(0.1)


def start_gunicorn(region):
    env = {**region.env, "GUNICORN_BIND": f"127.0.0.1:{region.port}", "GUNICORN_WORKERS": "2"}
    region.web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "portal.wsgi:application"],
        cwd=ROOT, env=env, stdout=region._log("web"), stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def production(database_url, redis_url, elasticsearch_url, tmp_path_factory):
    if shutil.which("nginx") is None and not os.path.exists("/usr/sbin/nginx"):
        pytest.fail("nginx is needed (bash scripts/services.sh install)")
    if clamd_binary() is None:
        pytest.fail("clamd is needed (bash scripts/services.sh install)")
    started = time.monotonic()
    folder = tmp_path_factory.mktemp("production")
    os.chmod(folder, 0o755)
    certificate, key = make_certificate(folder)
    clamd, clamd_address = clamd_start(folder / "clamd")
    sink = SmtpSink()
    sink.controller.start()
    https_port, http_port = free_port(), free_port()
    regions = LiveRegions(
        database_url=database_url,
        redis_url=redis_database(redis_url, 7),
        var_dir=folder,
        db_prefix="portal_smoke_",
        seed=False,
        setup=SETUP,
    )
    partners = {name: json.loads(region.env["PORTAL_PARTNERS"])[0] for name, region in regions.regions.items()}
    for name, region in regions.regions.items():
        partner = partners[name]
        partner["base_url"] = f"https://{HOSTS[partner['region']]}:{https_port}"
        region.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOSTS[name],
                "PORTAL_BASE_URL": f"https://{HOSTS[name]}:{https_port}",
                "PORTAL_PARTNERS": json.dumps([partner]),
                "ELASTICSEARCH_URL": elasticsearch_url,
                "MEDIA_ROOT": str(folder / name / "media"),
                "MATERIALS_PRIVATE_ROOT": str(folder / name / "private"),
                "STATIC_ROOT": str(folder / "static"),
                "PRIVATE_FILES_ACCEL_PREFIX": "/_private/",
                "CLAMAV_ADDRESS": clamd_address,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(sink.port),
                "DEFAULT_FROM_EMAIL": "portal@example.org",
                "SYNC_CA_CERTS": str(certificate),
                "LOG_FORMAT": "json",
                # nginx on loopback terminates TLS: its X-Forwarded-Proto is believed, no one else's.
                "TRUSTED_PROXIES": "127.0.0.1/32",
                # nginx's own address may read /readyz (as a loopback probe may): an outside reader
                # (another loopback address here) must not get the details through it.
                "READINESS_ALLOWED_NETWORKS": "127.0.0.1/32",
            }
        )
        region.start_web = types.MethodType(start_gunicorn, region)
    collectstatic = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=regions["sichuan"].env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    nginx = None
    try:
        regions.prepare()
        output, _ = collectstatic.communicate(timeout=300)
        assert collectstatic.returncode == 0, output
        regions.start()
        nginx = nginx_start(
            folder,
            {
                "SICHUAN_HOST": HOSTS["sichuan"],
                "CHONGQING_HOST": HOSTS["chongqing"],
                "SICHUAN_UPSTREAM": f"127.0.0.1:{regions['sichuan'].port}",
                "CHONGQING_UPSTREAM": f"127.0.0.1:{regions['chongqing'].port}",
                "HTTP_PORT": str(http_port),
                "HTTPS_PORT": str(https_port),
                "TLS_CERTIFICATE": str(certificate),
                "TLS_CERTIFICATE_KEY": str(key),
                "STATIC_ROOT": str(folder / "static"),
                **{
                    f"{name.upper()}_{kind}_ROOT": str(folder / name / kind.lower())
                    for name in HOSTS
                    for kind in ("MEDIA", "PRIVATE")
                },
            },
        )
        session = requests.Session()
        session.verify = str(certificate)
        session.trust_env = False  # an inherited REQUESTS_CA_BUNDLE would take precedence over verify
        for name in HOSTS:
            url = f"https://{HOSTS[name]}:{https_port}/readyz"
            if not wait_until(lambda url=url: _answers(session, url), timeout=60):
                try:
                    answer = session.get(url, timeout=5)
                    answer = f"{answer.status_code} {answer.text[:300]}"
                except requests.RequestException as error:
                    answer = repr(error)
                log = (folder / name / "web.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"{name} is not ready: {answer}\n{log}")
        print(f"\nproduction smoke test: both regions up behind nginx in {time.monotonic() - started:.1f}s")
        yield types.SimpleNamespace(
            regions=regions, session=session, sink=sink, folder=folder,
            url={name: f"https://{HOSTS[name]}:{https_port}" for name in HOSTS},
        )  # fmt: skip
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=20)
        if collectstatic.poll() is None:
            collectstatic.kill()
        # All at once: each winds down on its own, then regions.stop() waits for them.
        for region in regions.regions.values():
            for process in (region.beat, region.worker, region.web):
                if process is not None and process.poll() is None:
                    process.terminate()
        regions.stop()
        sink.controller.stop()
        clamd.terminate()
        clamd.wait(timeout=20)
        print(f"production smoke test: {time.monotonic() - started:.1f}s in all")


def _answers(session, url) -> bool:
    try:
        return session.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def shell_lines(region, code: str) -> list[str]:
    return [line for line in region.shell(code).splitlines() if line.strip()]


def test_static_files_and_an_image_rendition_come_through_nginx(production):
    sichuan = production.regions["sichuan"]
    [rendition_url] = shell_lines(
        sichuan,
        """
import io
from PIL import Image as PILImage
from django.core.files.images import ImageFile
from wagtail.images.models import Image
buffer = io.BytesIO()
PILImage.new("RGB", (400, 300), (200, 30, 30)).save(buffer, "PNG")
image = Image(title="红岩村", file=ImageFile(buffer, name="hongyan.png"))
image.save()
print(image.get_rendition("width-200").url)
""",
    )[-1:]
    assert rendition_url.startswith("/media/images/")
    response = production.session.get(production.url["sichuan"] + rendition_url, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert "X-Request-ID" not in response.headers  # nginx answered, not Django
    import io

    from PIL import Image as PILImage

    assert PILImage.open(io.BytesIO(response.content)).size == (200, 150)

    static = production.session.get(production.url["sichuan"] + "/static/admin/css/base.css", timeout=10)
    assert static.status_code == 200 and "X-Request-ID" not in static.headers


SESSION_FOR = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.cache import SessionStore
from importlib import import_module
from django.conf import settings
user = get_user_model().objects.get(username={username!r})
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def test_a_private_material_goes_out_through_x_accel_redirect_to_its_owner_only(production):
    sichuan = production.regions["sichuan"]
    global_id, name, session_key = shell_lines(
        sichuan,
        """
from django.core.files.base import ContentFile
from portal.models import Organisation
from portal.services import staff_user_create_or_update
from materials.services import material_create
org = Organisation.objects.get(code="sc-chengdu")
editor = staff_user_create_or_update(username="smoke_owner", organisation=org, roles=["editor"],
    password="pass-word-123")
material = material_create(organisation=org, title="内部档案", material_type="archive", access_level="internal",
    uploaded_file=ContentFile(b"%PDF-1.4\\n" + "内部资料".encode(), name="内部.pdf"), user=editor)
print(material.global_id)
print(material.files.get().file.name)
"""
        + SESSION_FOR.format(username="smoke_owner"),
    )[-3:]
    url = f"{production.url['sichuan']}/materials/{global_id}/files/1/"

    owner = production.session.get(url, cookies={"sessionid": session_key}, timeout=10)
    assert owner.status_code == 200, owner.text[:500]
    assert owner.content == b"%PDF-1.4\n" + "内部资料".encode()
    assert "attachment" in owner.headers["Content-Disposition"]
    assert "X-Accel-Redirect" not in owner.headers
    assert (production.folder / "sichuan" / "private" / name).exists()
    assert not (production.folder / "sichuan" / "media" / "private").exists()

    # Staff sessions are saved on every request (idle timeout), so the answer set the owner's
    # cookie on the shared session: drop it to ask as an anonymous reader.
    production.session.cookies.clear()
    assert production.session.get(url, timeout=10).status_code == 404  # anonymous
    direct_urls = (f"/media/private/{name}", f"/media/{name}", f"/_private/{name}", f"/media/../private/{name}")
    for direct in direct_urls:
        response = production.session.get(production.url["sichuan"] + direct, timeout=10)
        assert response.status_code == 404, direct


def browser(production, session_key: str | None = None) -> requests.Session:
    """A reader of its own (own cookies), signed in when given a session key."""
    session = requests.Session()
    session.verify, session.trust_env = production.session.verify, False
    if session_key:
        session.cookies.set("sessionid", session_key)
    return session


def stored_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_an_eicar_upload_through_nginx_is_refused_with_a_form_error_and_nothing_is_stored(production):
    chongqing = production.regions["chongqing"]
    organisation_id, session_key = shell_lines(
        chongqing,
        """
from portal.models import Organisation
from portal.services import staff_user_create_or_update
org = Organisation.objects.get(code="cq-qijiang")
staff_user_create_or_update(username="smoke_uploader", organisation=org, roles=["editor"], password="pass-word-123")
print(org.pk)
"""
        + SESSION_FOR.format(username="smoke_uploader"),
    )[-2:]
    editor = browser(production, session_key)
    add_url = f"{production.url['chongqing']}/admin/snippets/materials/material/add/"
    form = editor.get(add_url, timeout=10)
    assert form.status_code == 200, form.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    fields = {
        "csrfmiddlewaretoken": csrf,
        "title": "綦江区抗战遗址调查报告",
        "material_type": "report",
        "description": "",
        "period": "",
        "date_from": "",
        "date_to": "",
        "origin_organisation": organisation_id,
        "collection": "",
        "access_level": "partners",
    }
    private = production.folder / "chongqing" / "private"
    before = stored_files(private)

    def upload(name, content):
        return editor.post(
            add_url, data=fields, files={"upload": (name, content, "text/plain")},
            headers={"Referer": add_url}, allow_redirects=False, timeout=30,
        )  # fmt: skip

    def count():
        [(number,)] = chongqing.query(
            "SELECT count(*) FROM materials_material WHERE title = %s", [fields["title"]]
        )
        return number

    refused = upload("eicar.txt", EICAR)
    assert refused.status_code == 200, refused.text[:1000]  # the form again, not a 500 or a redirect
    assert "文件未通过病毒扫描：Portal.Test.EICAR" in refused.text
    assert count() == 0 and stored_files(private) == before

    accepted = upload("调查报告.txt", "綦江区抗战遗址调查报告。".encode())
    assert accepted.status_code == 302, accepted.text[:1000]
    assert count() == 1
    [added] = stored_files(private) - before
    assert (private / added).read_bytes() == "綦江区抗战遗址调查报告。".encode()


def test_a_waitlist_promotion_mail_reaches_the_smtp_sink(production):
    sichuan = production.regions["sichuan"]
    sichuan.shell(
        """
from django.db import transaction
from tests.training.factories import SessionFactory, staff
from portal.models import Organisation
from training import services
org = Organisation.objects.get(code="sc-chengdu")
session = SessionFactory(capacity=1, course__origin_organisation=org)
first, second = staff("smoke_first", org), staff("smoke_waiting", org)
with transaction.atomic():
    mine = services.enrolment_create(session_id=session.pk, user=first)
    services.enrolment_create(session_id=session.pk, user=second)
with transaction.atomic():
    services.enrolment_cancel(enrolment_id=mine.pk, user=first)
"""
    )
    assert wait_until(
        lambda: any("smoke_waiting@example.org" in m.rcpt_tos for m in production.sink.messages), timeout=30
    ), "no promotion mail reached the sink"
    [mail] = [m for m in production.sink.messages if "smoke_waiting@example.org" in m.rcpt_tos]
    assert mail.mail_from == "portal@example.org"


def test_a_story_published_at_sichuan_appears_at_chongqing_through_the_proxies_with_its_bulletin_pdf(
    production,
):
    sichuan, chongqing = production.regions["sichuan"], production.regions["chongqing"]
    global_id, issue_id = shell_lines(
        sichuan,
        """
import datetime
from portal.models import Organisation
from publicity.models import BulletinIssue, Section, Story, StoryIndexPage
issue = BulletinIssue.objects.create(title="四川党史工作", region="sichuan", year=2030, number=3,
    date=datetime.date(2030, 3, 1))
index = StoryIndexPage.objects.get()
story = Story(title="成都市开展川渝党史联合宣讲", slug="smoke-joint-lectures",
    section=Section.objects.get(slug="work-news"), bulletin_issue=issue, bulletin_order=1,
    origin_organisation=Organisation.objects.get(code="sc-chengdu"),
    publication_date=datetime.date(2030, 3, 1), body=[{"type": "paragraph", "value": "<p>联合宣讲。</p>"}])
index.add_child(instance=story)
story.save_revision().publish()
print(story.global_id)
print(issue.pk)
""",
    )[-2:]

    def copy():
        return chongqing.query(
            "SELECT p.url_path FROM publicity_story s JOIN wagtailcore_page p ON p.id = s.page_ptr_id "
            "WHERE s.global_id = %s AND p.live",
            (global_id,),
        )

    rows = wait_until(copy, timeout=60)
    assert rows, "the story did not arrive at Chongqing through the proxies"
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
        sichuan,
        """
from django.db import transaction
from portal.models import Organisation
from tests.training.factories import SessionFactory, SittingFactory, staff
from training import services
org = Organisation.objects.get(code="sc-chengdu")
trainer = staff("smoke_trainer", org, roles=["trainer"], full_name="陈培训")
trainee = staff("smoke_trainee", org, full_name="王学员")
session = SessionFactory(course__title="川渝党史干部联合培训班", course__origin_organisation=org, title="第一期")
with transaction.atomic():
    enrolment = services.enrolment_create(session_id=session.pk, user=trainee)
for title in ("党史研究方法", "资料征编实务"):
    sitting = SittingFactory(session=session, title=title)
    services.attendance_record(enrolment_id=enrolment.pk, sitting_id=sitting.pk, present=True, recorded_by=trainer)
print(services.certificate_issue(enrolment_id=enrolment.pk, issued_by=trainer).code)
"""
        + SESSION_FOR.format(username="smoke_trainee"),
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


class FromAddress(requests.adapters.HTTPAdapter):
    """Connects from the given local address: a reader who is neither nginx nor the host itself."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def test_readiness_details_are_not_given_to_a_reader_outside_through_nginx(production):
    """Every request reaches Django from nginx's address, which READINESS_ALLOWED_NETWORKS lists
    here; the details go only to the client nginx saw, never to an outside one, even a lying one."""
    url = production.url["sichuan"] + "/readyz"
    inside = production.session.get(url, timeout=10)
    assert inside.status_code == 200
    assert {"status", "database", "redis", "elasticsearch"} <= set(inside.json())
    outside = browser(production)
    outside.mount("https://", FromAddress("127.0.0.9"))
    for headers in ({}, {"X-Forwarded-For": "127.0.0.1"}, {"Forwarded": "for=127.0.0.1"}):
        answer = outside.get(url, headers=headers, timeout=10)
        assert answer.status_code == 404, headers
        assert not {"database", "redis", "elasticsearch"} & set(re.findall(r"[a-z]+", answer.text)), headers
    assert outside.get(production.url["sichuan"] + "/healthz", timeout=10).json() == {"status": "ok"}


def test_a_client_reaching_gunicorn_directly_cannot_pose_as_https(production):
    """Only Django judges forwarded headers (TRUSTED_PROXIES): gunicorn takes none from anyone."""
    sichuan = production.regions["sichuan"]
    direct = requests.Session()
    direct.trust_env = False
    direct.mount("http://", FromAddress("127.0.0.9"))
    answer = direct.get(
        f"http://127.0.0.1:{sichuan.port}/",
        headers={"Host": HOSTS["sichuan"], "X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 301 and answer.headers["Location"].startswith("https://"), answer.status_code


def test_check_deploy_is_clean_under_production_settings(production):
    result = production.regions["sichuan"].manage("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    reported = set(re.findall(r"\(([a-z_]+\.[EWC]\d+)\)", result.stdout + result.stderr))
    assert not reported, result.stdout + result.stderr


def test_django_hands_the_private_file_to_nginx_and_sends_no_body(production):
    """Behind the proxy the download view only checks access; nginx reads the file from disk."""
    sichuan = production.regions["sichuan"]
    global_id, name, session_key = shell_lines(
        sichuan,
        """
from materials.models import Material
material = Material.objects.get(title="内部档案")
print(material.global_id)
print(material.files.get().file.name)
"""
        + SESSION_FOR.format(username="smoke_owner"),
    )[-3:]
    direct = requests.get(
        f"http://127.0.0.1:{sichuan.port}/materials/{global_id}/files/1/",
        headers={"Host": HOSTS["sichuan"], "X-Forwarded-Proto": "https", "Cookie": f"sessionid={session_key}"},
        timeout=10,
    )
    assert direct.status_code == 200
    assert direct.headers["X-Accel-Redirect"] == f"/_private/{name}"
    assert direct.content == b""
