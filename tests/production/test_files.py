"""Files through nginx: static files and renditions, private files by X-Accel-Redirect, a virus refused."""

import re

import pytest
import requests

from tests.clamd import EICAR
from tests.support.scripts import script

from .support import HOSTS, browser, session_for, shell_lines, stored_files

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_static_files_and_an_image_rendition_come_through_nginx(production):
    sichuan = production.regions["sichuan"]
    [rendition_url] = shell_lines(sichuan, script("production.rendition"))[-1:]
    assert rendition_url.startswith("/media/images/")
    response = production.session.get(production.url["sichuan"] + rendition_url, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert "X-Request-ID" not in response.headers  # nginx answered, not Django
    import io

    from PIL import Image as PILImage

    assert PILImage.open(io.BytesIO(response.content)).size == (200, 150)

    static = production.session.get(production.url["sichuan"] + "/static/admin/css/base.css", timeout=10)
    assert static.status_code == 200 and "X-Request-ID" not in static.headers


def test_a_private_material_goes_out_through_x_accel_redirect_to_its_owner_only(production):
    sichuan = production.regions["sichuan"]
    global_id, name, session_key = shell_lines(
        sichuan, script("production.private_material"), session_for("smoke_owner")
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
    direct_urls = (
        f"/media/private/{name}", f"/media/{name}", f"/_private/{name}", f"/media/../private/{name}"
    )  # fmt: skip
    for direct in direct_urls:
        response = production.session.get(production.url["sichuan"] + direct, timeout=10)
        assert response.status_code == 404, direct


def test_an_eicar_upload_through_nginx_is_refused_with_a_form_error_and_nothing_is_stored(production):
    chongqing = production.regions["chongqing"]
    organisation_id, session_key = shell_lines(
        chongqing, script("production.uploader"), session_for("smoke_uploader")
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


def test_django_hands_the_private_file_to_nginx_and_sends_no_body(production):
    """Behind the proxy the download view only checks access; nginx reads the file from disk."""
    sichuan = production.regions["sichuan"]
    global_id, name, session_key = shell_lines(
        sichuan, script("production.private_material_find"), session_for("smoke_owner")
    )[-3:]
    direct = requests.get(
        f"http://127.0.0.1:{sichuan.port}/materials/{global_id}/files/1/",
        headers={
            "Host": HOSTS["sichuan"], "X-Forwarded-Proto": "https", "Cookie": f"sessionid={session_key}"
        },  # fmt: skip
        timeout=10,
    )
    assert direct.status_code == 200
    assert direct.headers["X-Accel-Redirect"] == f"/_private/{name}"
    assert direct.content == b""
