"""Production as shipped: both regions under production settings behind Debian's nginx with TLS,
on the real PostgreSQL, Redis, Elasticsearch and clamd, mail to a local SMTP sink.

The regions start once for the package; its tests read them through nginx (``production``).
"""

import json
import os
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

from tests.clamd import clamd_binary, clamd_start
from tests.conftest import ROOT, free_port
from tests.support.live import TWO_ORGANISATIONS, LiveRegions, redis_database
from tests.support.scripts import script
from tests.support.waiting import wait_until

from .support import HOSTS

SETUP = TWO_ORGANISATIONS + "\n" + script("production.site")


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
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=portal-smoke",
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
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/nginx-error.log;\n"
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

    def listens():
        assert process.poll() is None, errors.read_text()
        try:
            socket.create_connection(("127.0.0.1", int(values["HTTPS_PORT"])), timeout=1).close()
        except OSError:
            return False
        return True

    errors = folder / "nginx-error.log"
    wait_until(listens, timeout=20, what=lambda: f"nginx listening:\n{errors.read_text()}")
    return process


def start_gunicorn(region):
    env = {**region.env, "GUNICORN_BIND": f"127.0.0.1:{region.port}", "GUNICORN_WORKERS": "2"}
    region.web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "portal.wsgi:application"],
        cwd=ROOT, env=env, stdout=region._log("web"), stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.fixture(scope="package")
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
    partners = {name: json.loads(r.env["PORTAL_PARTNERS"])[0] for name, r in regions.regions.items()}
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
            wait_until(
                lambda url=url: _answers(session, url),
                timeout=60,
                what=lambda name=name, url=url: _not_ready(session, url, folder / name / "web.log", name),
            )
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


def _not_ready(session, url, log, name) -> str:
    try:
        answer = session.get(url, timeout=5)
        answer = f"{answer.status_code} {answer.text[:300]}"
    except requests.RequestException as error:
        answer = repr(error)
    return f"{name} ready: {answer}\n{log.read_text(errors='replace')[-3000:]}"
