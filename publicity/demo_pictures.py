"""Pictures for the demo stories and red-heritage sites, drawn when the demo is built (the demo ships
no photographs): a colour gradient and a motif that fits each. Each is a Wagtail image, made once."""

import io
import math

# slug: (Chinese title, what the picture shows (alt text), sky colour, ground colour, motif)
STORY_PICTURES = {
    "demo-cooperation-agreement": (
        "川渝携手示意图",
        "示意图：两个交叠的圆代表川渝两地，交汇处一颗红星，下方是江水",
        "#fdf1dc",
        "#e9b98a",
        "agreement",
    ),
    "demo-hongyan-reading": (
        "读书分享示意图",
        "示意图：一本打开的书和一摞书籍，背景是晨光",
        "#fff7e6",
        "#c9a27a",
        "reading",
    ),
    "demo-qijiang-long-march": (
        "长征路示意图",
        "示意图：层叠的山峦间一条蜿蜒的道路，天空中一颗红星",
        "#d9ecf7",
        "#7f9f6a",
        "long_march",
    ),
    "demo-youyang-exhibition": (
        "主题展示意图",
        "示意图：展厅墙上的五块展板，展板上方有射灯",
        "#f3ede4",
        "#b9a58c",
        "exhibition",
    ),
    "demo-chengdu-joint-meeting": (
        "联席会议示意图",
        "示意图：会议桌两侧的座位和桌上的两面旗帜，上方是红色横幅",
        "#f7efe6",
        "#a9876a",
        "meeting",
    ),
    "demo-yaan-visit-jiangjin": (
        "江津交流示意图",
        "示意图：江面上的一座石拱桥和一只帆船，远处是山",
        "#dff0f5",
        "#6f98a8",
        "bridge",
    ),
}

SIZE = (1200, 675)
RED, GOLD, INK = "#b3121b", "#f2c230", "#4a3b2f"
PANELS = ["#b3121b", "#c9952b", "#2f5d8c", "#3f7a4a", "#7a2a5a"]


def _star(draw, centre: tuple[int, int], radius: int, fill: str = GOLD) -> None:
    x, y = centre
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    draw.polygon(points, fill)


def _waves(draw, top: int, colour: str) -> None:
    for row in range(top, SIZE[1], 34):
        for x in range(0, SIZE[0], 120):
            draw.arc([x, row, x + 120, row + 40], 200, 340, colour, 5)


def _agreement(draw):
    draw.ellipse([330, 120, 690, 480], "#c8102e")
    draw.ellipse([510, 120, 870, 480], "#1f5f99")
    draw.chord([510, 120, 870, 480], 120, 240, "#7a2a5a")
    draw.chord([330, 120, 690, 480], -60, 60, "#7a2a5a")
    _star(draw, (600, 300), 60)
    _waves(draw, 540, "#ffffff")


def _reading(draw):
    for i, colour in enumerate(["#8c2f1e", "#2f5d8c", "#c9952b", "#3f7a4a"]):
        draw.rectangle([150 + i * 8, 480 - i * 60, 470 - i * 8, 535 - i * 60], colour, INK, 3)
    draw.polygon([(560, 300), (820, 260), (830, 520), (570, 560)], "#fffdf7", INK)
    draw.polygon([(830, 260), (1080, 300), (1070, 560), (830, 520)], "#fffdf7", INK)
    for line in range(320, 500, 30):
        draw.line([(600, line), (790, line - 30)], "#b9ab95", 4)
        draw.line([(870, line - 30), (1040, line)], "#b9ab95", 4)
    draw.ellipse([950, 60, 1090, 200], "#ffd27a")


def _long_march(draw):
    far = [(0, 420), (230, 210), (430, 380), (640, 170), (900, 360), (1200, 200), (1200, 675), (0, 675)]
    near = [(0, 520), (300, 380), (560, 500), (850, 390), (1200, 520), (1200, 675), (0, 675)]
    draw.polygon(far, "#5d7f4f")
    draw.polygon(near, "#4a6a3e")
    road = [(120, 675), (380, 600), (620, 610), (760, 540), (900, 520), (1000, 470)]
    draw.line(road, "#e8d9b5", 26, "curve")
    _star(draw, (980, 120), 70, RED)


def _exhibition(draw):
    draw.rectangle([0, 560, 1200, 675], "#8a7358")
    for i in range(5):
        left = 70 + i * 220
        draw.rectangle([left, 200, left + 180, 470], "#fffaf0", INK, 4)
        draw.rectangle([left + 20, 225, left + 160, 330], PANELS[i])
        for line in range(355, 450, 25):
            draw.line([(left + 20, line), (left + 160, line)], "#b9ab95", 5)
        draw.polygon([(left + 90, 60), (left + 60, 200), (left + 120, 200)], "#fff1c1")
        draw.rectangle([left + 80, 40, left + 100, 62], INK)


def _meeting(draw):
    draw.rectangle([200, 60, 1000, 150], RED)
    for x in range(260, 960, 70):
        draw.rectangle([x, 95, x + 40, 115], "#f7d36b")
    draw.ellipse([230, 330, 970, 530], "#8a5a3b", INK, 4)
    for i in range(8):
        x = 300 + i * 85
        draw.ellipse([x, 270, x + 50, 320], "#2f3e55")
        draw.ellipse([x, 540, x + 50, 590], "#2f3e55")
    for x, colour in ((560, RED), (640, RED)):
        draw.line([(x, 440), (x, 360)], INK, 5)
        draw.rectangle([x + 2, 360, x + 52, 392], colour)
        _star(draw, (x + 14, 372), 8)


def _bridge(draw):
    hills = [(0, 330), (200, 220), (420, 310), (700, 200), (1000, 300), (1200, 240), (1200, 400), (0, 400)]
    draw.polygon(hills, "#7f9f8a")
    draw.rectangle([0, 400, 1200, 675], "#5f8ea3")
    _waves(draw, 470, "#cfe6ef")
    # A stone arch bridge: the deck, and the arch's opening cut out of the span below it.
    draw.rectangle([180, 330, 1020, 430], "#b8a58b", INK, 3)
    draw.chord([380, 350, 820, 510], 180, 360, "#5f8ea3", INK, 4)
    draw.rectangle([160, 310, 1040, 332], "#9c8b72", INK, 3)
    draw.polygon([(760, 560), (900, 560), (870, 600), (790, 600)], "#6b4a2f")
    draw.polygon([(828, 480), (828, 555), (880, 555)], "#fffaf0")


def _memorial(draw):
    """A red-heritage site: hills, a memorial hall, a flag."""
    draw.polygon(
        [(0, 460), (260, 300), (520, 430), (820, 280), (1200, 450), (1200, 675), (0, 675)], "#6f9a5b"
    )
    draw.rectangle([380, 330, 820, 560], "#e8dcc4", "#8a6d4b", 4)
    draw.polygon([(350, 335), (600, 230), (850, 335)], "#7b2e22")
    for column in range(430, 800, 70):
        draw.rectangle([column, 380, column + 24, 560], "#fbf6ea")
    draw.rectangle([560, 470, 640, 560], "#5b3b25")
    draw.line([(600, 230), (600, 120)], "#444", 5)
    draw.rectangle([602, 120, 692, 178], "#c8102e")
    draw.rectangle([0, 620, 1200, 675], "#9c8b72")


MOTIFS = {
    "agreement": _agreement,
    "reading": _reading,
    "long_march": _long_march,
    "exhibition": _exhibition,
    "meeting": _meeting,
    "bridge": _bridge,
}


def _picture(*, title: str, file_name: str, sky: str, ground: str, motif):
    """The Wagtail image titled ``title``, drawn and stored the first time; later builds find it."""
    from PIL import Image, ImageDraw

    from django.core.files.images import ImageFile

    from wagtail.images import get_image_model

    model = get_image_model()
    image = model.objects.filter(title=title).first()
    if image is None:
        gradient = Image.linear_gradient("L").resize(SIZE)
        picture = Image.composite(Image.new("RGB", SIZE, ground), Image.new("RGB", SIZE, sky), gradient)
        motif(ImageDraw.Draw(picture))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=82)
        image = model.objects.create(title=title, file=ImageFile(buffer, name=file_name))
    return image


def _image_blocks(image, *, alt: str, shows: str) -> list[dict]:
    chosen = {"image": image.pk, "decorative": False, "alt_text": alt}
    caption = f"{shows}（演示用示意图，非实景照片）"
    return [{"type": "image", "value": {"image": chosen, "caption": caption, "attribution": "程序绘制"}}]


def story_picture_blocks(slug: str) -> list[dict]:
    """The story's picture as a body image block ([] for a story without one)."""
    if slug not in STORY_PICTURES:
        return []
    title, alt, sky, ground, motif = STORY_PICTURES[slug]
    image = _picture(title=title, file_name=f"{slug}.jpg", sky=sky, ground=ground, motif=MOTIFS[motif])
    return _image_blocks(image, alt=alt, shows=title)


def site_picture_blocks(slug: str, site_title: str) -> list[dict]:
    """A red-heritage site's gallery: one drawn picture of a memorial hall."""
    name = f"demo-red-site-{slug}"
    image = _picture(title=name, file_name=f"{name}.jpg", sky="#cfe3f2", ground="#cfe3f2", motif=_memorial)
    return _image_blocks(image, alt=f"{site_title}：纪念馆、旗帜与山峦的示意图", shows=site_title)
