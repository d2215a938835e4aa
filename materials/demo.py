"""Demo materials drawn from the facts of 重庆党史工作 2020年第3期 (the seed bulletin)."""

import datetime
import uuid

from django.core.files.base import ContentFile

DEMO_NAMESPACE = uuid.UUID("6f1c9a52-3b0e-4d4e-9a57-2c0b8f1e7d31")

NEW_DEMOCRATIC = "new_democratic"
NEW_ERA = "new_era"

# organisation code, title, type, period, (date_from, date_to), topics, access level, collection, description, file kind
MATERIALS = {
    "chongqing": [
        (
            "cq-qijiang",
            "中央红军长征过綦江的群众路线",
            "paper",
            NEW_DEMOCRATIC,
            (datetime.date(1935, 1, 1), datetime.date(1935, 1, 31)),
            ["地点:綦江", "事件:中央红军长征"],
            "public",
            "綦江区委党史地方志研究室研究成果",
            "綦江区党史部门围绕“中央红军长征到綦江为我们留下最为宝贵的资源是什么”等问题形成的系列论文之一，"
            "论述中央红军经过綦江期间践行群众路线的史实。",
            "pdf",
        ),
        (
            "cq-qijiang",
            "遵义会议的重要屏障和前哨 四渡赤水的战略节点和序曲——中央红军长征过綦江",
            "paper",
            NEW_DEMOCRATIC,
            (datetime.date(1935, 1, 1), None),
            ["地点:綦江", "地点:遵义", "事件:中央红军长征", "事件:四渡赤水"],
            "partners",
            "渝黔党史研究合作平台交流成果",
            "通过与贵州省、遵义市、桐梓县、习水县、赤水市等地党史部门交流共享形成的研究成果。",
            "pdf",
        ),
        (
            "cq-bishan",
            "璧山红色故事选编",
            "literature",
            NEW_DEMOCRATIC,
            (None, None),
            ["地点:璧山"],
            "public",
            "璧山区委党史研究室“抖信”党史宣传专栏",
            "璧山区委党史研究室通过新媒体平台向党员、干部、群众和青少年学生推送的红色故事汇编，"
            "让身边的党史“活起来”。",
            "txt",
        ),
        (
            "cq-jiulongpo",
            "红岩烈士刘德惠成长历程与革命事迹征集资料",
            "archive",
            NEW_DEMOCRATIC,
            (None, None),
            ["人物:刘德惠", "地点:九龙坡"],
            "partners",
            "九龙坡区委党史研究室史料征集",
            "九龙坡区委党史研究室深入挖掘刘德惠烈士成长历程和革命事迹所征集的史料目录。",
            "txt",
        ),
        (
            "cq-jiulongpo",
            "朱再明将军墓等遗址遗迹修缮保护工作记录",
            "report",
            NEW_ERA,
            (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
            ["人物:朱再明", "地点:九龙坡"],
            "internal",
            "九龙坡区委党史研究室工作档案",
            "镇内朱再明将军墓等遗址遗迹修缮保护工作的内部记录。",
            "txt",
        ),
    ],
    "sichuan": [
        (
            "sc-province",
            "川渝党史部门合作框架协议签署暨第一次联席会议纪要",
            "archive",
            NEW_ERA,
            (datetime.date(2020, 5, 19), None),
            ["地点:成都", "事件:川渝党史部门合作框架协议签署"],
            "public",
            "四川省委党史研究室文书档案",
            "2020年5月19日，重庆市委党史研究室在成都与四川省委党史研究室、成都市委党史研究室分别签署"
            "合作框架协议，并召开第一次联席会议、共商两地党史合作。",
            "pdf",
        ),
        (
            "sc-chengdu",
            "成渝地区党史资源互补性研究",
            "report",
            NEW_ERA,
            (None, None),
            ["地点:成都", "地点:重庆"],
            "partners",
            "成都市委党史研究室研究成果",
            "围绕成渝地区党史资源的互补性，提出共同开创“和而不同、美美与共”新局面的合作路径。",
            "pdf",
        ),
        (
            "sc-yaan",
            "雅安市委党史研究室赴江津区调研记录",
            "archive",
            NEW_ERA,
            (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
            ["地点:江津", "地点:雅安"],
            "internal",
            "雅安市委党史研究室工作档案",
            "雅安市委党史研究室主任师伟一行到江津区调研的内部记录。",
            "txt",
        ),
    ],
}


def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF in the built-in Chinese font STSong-Light (no font embedding needed)."""
    text = ["BT /F1 14 Tf 56 780 Td 20 TL"]
    for line in lines:
        text.append(f"<{line.encode('utf-16-be').hex()}> Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_file(title: str, description: str, organisation_name: str, kind: str) -> ContentFile:
    lines = [title, organisation_name, "", description, "", "（演示资料，内容为平台自拟摘要）"]
    if kind == "pdf":
        # Keep PDF lines short: the page does not wrap text.
        wrapped = []
        for line in lines:
            wrapped.extend([line[i : i + 36] for i in range(0, len(line), 36)] or [""])
        return ContentFile(_pdf_bytes(wrapped), name=f"{title[:40]}.pdf")
    return ContentFile("\n".join(lines).encode("utf-8"), name=f"{title[:40]}.txt")


def demo_global_id(code: str, title: str) -> uuid.UUID:
    """The same id at both regions, so a synced copy and a seeded copy are one record."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{code}:{title}")


def seed(*, region: str, organisations: dict, stdout) -> None:
    """Demo content of this module for the region (idempotent).

    The region's own materials only: a seed never writes to a replica.
    """
    from django.db.models import Q

    from .models import Material
    from .services import material_create, material_file_add
    from .services.imports import import_row_topics

    created = 0
    for origin, entries in MATERIALS.items():
        for (
            code,
            title,
            material_type,
            period,
            (date_from, date_to),
            topics,
            access_level,
            collection,
            description,
            kind,
        ) in entries:
            if origin != region:
                continue  # the partner's shared materials arrive by sync, as read-only copies
            organisation = organisations[code]
            global_id = demo_global_id(code, title)
            material = Material.objects.filter(
                Q(global_id=global_id) | Q(origin_organisation=organisation, title=title)
            ).first()
            upload = demo_file(title, description, organisation.name, kind)
            if material is None:
                material_create(
                    organisation=organisation,
                    title=title,
                    material_type=material_type,
                    uploaded_file=upload,
                    topics=import_row_topics(";".join(topics)),
                    global_id=global_id,
                    origin_region=origin,
                    period=period,
                    date_from=date_from,
                    date_to=date_to,
                    access_level=access_level,
                    collection=collection,
                    description=description,
                )
                created += 1
            elif not material.files.exists():
                material_file_add(material=material, uploaded_file=upload)
    stdout.write(f"materials: {region}: {created} new demo materials")
