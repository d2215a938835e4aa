"""A hostile partner: a real HTTP server on loopback speaking the signed sync protocol.

It checks our signature on every request like a real region would, serves a change feed
of records it builds by hand (the attacker writes the payload, not our serialiser), and
answers file and image fetches with whatever each test scripts: bytes, redirects, bodies
streamed lazily without end.
"""

import hashlib
import http.server
import json
import uuid

from sync.signing import signature
from tests.support.loopback import LoopbackServer

CREATED = "2030-03-01T08:00:00+08:00"


class HostilePartner:
    def __init__(self, *, key_id: str, secret: str):
        self.key_id, self.secret = key_id, secret
        self.changes: list[dict] = []
        # path -> (status, body bytes | iterator of bytes, headers)
        self.files: dict[str, tuple] = {}
        self.records: dict[str, dict] = {}
        self.requests: list[str] = []
        self.unsigned: list[str] = []
        self.redirect_feed_to = None
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append(self.path)
                if not server._signed(self):
                    server.unsigned.append(self.path)
                    return self._send(401, json.dumps({"error": "unsigned"}).encode(), {})
                if self.path.startswith("/sync/changes") and server.redirect_feed_to:
                    return self._send(307, b"", {"Location": server.redirect_feed_to})
                if self.path.startswith("/sync/changes"):
                    return self._send(200, server._page(self.path), {"Content-Type": "application/json"})
                if self.path.startswith("/sync/records/"):
                    gid = self.path.rsplit("/", 1)[-1]
                    if gid in server.records:
                        return self._send(200, json.dumps(server.records[gid]).encode(), {})
                answer = server.files.get(self.path)
                if answer is None:
                    return self._send(404, b'{"error": "not_found"}', {})
                status, body, headers = answer
                self._send(status, body, headers)

            def _send(self, status, body, headers):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                # A body streamed lazily, with no length: read until the connection closes.
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in body():
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the reader hung up: what the cap is for
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = LoopbackServer(Handler)
        self.url = self.server.url

    def _signed(self, request) -> bool:
        headers = request.headers
        if headers.get("webhook-key-id") != self.key_id:
            return False
        expected = signature(
            secret=self.secret,
            message_id=headers.get("webhook-id", ""),
            timestamp=int(headers.get("webhook-timestamp") or 0),
            content=request.path.encode(),
        )
        return expected in headers.get("webhook-signature", "").split(" ")

    def _page(self, path: str) -> bytes:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(path).query)
        after, limit = int(query["after"][0]), int(query.get("limit", ["200"])[0])
        later = [c for c in self.changes if c["seq"] > after]
        chosen = later[:limit]
        head = self.changes[-1]["seq"] if self.changes else 0
        page = {
            "region": "chongqing",
            "after": after,
            "head": head,
            "changes": chosen,
            "next_after": chosen[-1]["seq"] if chosen else after,
            "has_more": bool(chosen) and chosen[-1]["seq"] < head,
        }
        return json.dumps(page, ensure_ascii=False).encode()

    def add(self, change: dict) -> dict:
        change["seq"] = (self.changes[-1]["seq"] if self.changes else 0) + 1
        self.changes.append(change)
        return change

    def close(self):
        self.server.close()


def record(model, *, fields, m2m=None, children=None, version=1, access="public", region="chongqing",
           organisation="cq-qijiang", global_id=None) -> dict:  # fmt: skip
    """A change as the attacker writes it: the envelope of the real protocol around any payload."""
    global_id = global_id or str(uuid.uuid4())
    return {
        "model": model,
        "global_id": global_id,
        "created_at": CREATED,
        "op": "upsert",
        "version": version,
        "payload": {
            "global_id": global_id,
            "origin_region": region,
            "origin_organisation": organisation,
            "version": version,
            "access_level": access,
            "fields": fields,
            "m2m": m2m or {},
            "children": children or {},
        },
    }


def story(*, title="綦江红色故事", body=None, summary="摘要", url="http://cq.example/stories/a/", **extra):
    return record(
        "publicity.story",
        fields={
            "title": title,
            "slug": f"s-{uuid.uuid4().hex[:8]}",
            "summary": summary,
            "body": body or [{"type": "paragraph", "value": "<p>正文</p>"}],
            "contributing_department": "宣教科",
            "author": "李明",
            "publication_date": "2030-02-10",
            "offered_to_partner": True,
            "syndication": {"url": url, "section": "work-news", "section_name": "工作动态"},
        },
        m2m={"topics": []},
        **extra,
    )


def event(*, online_url="", agenda="<p>议程</p>", minutes="", links=(), **extra):
    return record(
        "events.event",
        fields={
            "title": "川渝联席会议",
            "event_type": "joint_meeting",
            "status": "scheduled",
            "starts_at": "2030-03-18T09:00:00+08:00",
            "ends_at": "2030-03-18T11:00:00+08:00",
            "venue": "綦江",
            "city": "重庆",
            "online_url": online_url,
            "summary": "会议简介",
            "agenda": agenda,
            "participants": "",
            "minutes": minutes,
            "frequency": "",
            "interval": 1,
            "count": None,
            "until": None,
        },
        m2m={"co_hosts": []},
        children={
            "exceptions": [],
            "material_links": [
                {
                    "sort_order": n,
                    "kind": "minutes",
                    "title": f"链接{n}",
                    "url": link,
                    "material_global_id": None,
                }
                for n, link in enumerate(links)
            ],
            "action_items": [],
        },
        **extra,
    )


def site(*, history="<p>沿革</p>", title="红军桥", **fields):
    return record(
        "publicity.redheritagesite",
        fields={
            "title": title,
            "slug": f"r-{uuid.uuid4().hex[:8]}",
            "place": "綦江",
            "address": "重庆市綦江区古南街道",
            "latitude": "29.028",
            "longitude": "106.651",
            "history": history,
            "visiting_information": "",
            "images": [],
            "syndication": {"url": "http://chongqing.example/red-sites/a/"},
            **fields,
        },
        m2m={"topics": [], "related_stories": []},
    )


def project(*, output_url):
    return record(
        "research.project",
        fields={
            "title": "川渝党史联合研究",
            "summary": "",
            "status": "active",
            "start_date": "2030-01-01",
            "planned_end": None,
            "created_at": CREATED,
        },
        m2m={"topics": [], "lead_organisations": []},
        children={
            "milestones": [],
            "outputs": [
                {
                    "global_id": str(uuid.uuid4()),
                    "title": "成果",
                    "kind": "report",
                    "url": output_url,
                    "material_global_id": None,
                    "added_at": CREATED,
                }
            ],
            "members": [],
        },
    )


def material(*, title="红岩资料", data: bytes | None = None, declared_size=None, sha256=None, **extra):
    files = []
    if data is not None or declared_size is not None:
        size = len(data) if declared_size is None else declared_size
        digest = sha256 or hashlib.sha256(data or b"").hexdigest()
        files = [
            {
                "version": 1,
                "original_name": "资料.txt",
                "size": size,
                "sha256": digest,
                "content_type": "text/plain",
                "uploaded_at": CREATED,
                "_file": {"sha256": digest, "size": size},
            }
        ]
    return record(
        "materials.material",
        fields={
            "title": title,
            "description": "",
            "material_type": "archive",
            "period": "",
            "date_from": None,
            "date_to": None,
            "collection": "",
            "deposited_at": CREATED,
        },
        m2m={"topics": []},
        children={"files": files},
        **extra,
    )


def file_path(change) -> str:
    return f"/sync/files/materials.material/{change['global_id']}/files/1"


def quarantined(change):
    """The open quarantine entry of a change sent, or None."""
    from sync.models import QuarantinedChange

    return QuarantinedChange.objects.filter(global_id=change["global_id"], resolved_at=None).first()
