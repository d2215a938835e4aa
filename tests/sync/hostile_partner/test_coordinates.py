"""A partner's red-heritage sites put on our map: coordinates are numbers, in range, both or neither."""

from decimal import Decimal

from django.core.management import call_command

from publicity.models import RedHeritageSite

from .. import hostile
from ..hostile import quarantined


def test_hostile_coordinates_are_quarantined_and_good_ones_arrive(client, home, partner, settings):
    settings.PORTAL_MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    hostile_sites = {
        # Half a pair: a marker at latitude 29 and longitude "whatever we had".
        "half a pair": partner.add(hostile.site(title="只有纬度", longitude=None)),
        "off the globe": partner.add(hostile.site(title="纬度越界", latitude="91")),
        "not a number": partner.add(hostile.site(title="非数字", longitude="106.651');alert(1)//")),
        "NaN": partner.add(hostile.site(title="NaN", latitude="NaN")),
        "infinity": partner.add(hostile.site(title="无穷", longitude="Infinity")),
        "a JSON object": partner.add(hostile.site(title="对象", latitude={"lat": 29})),
        "a boolean": partner.add(hostile.site(title="布尔", latitude=True)),
        "too precise": partner.add(hostile.site(title="过多小数", latitude="29.0280000001")),
        "huge": partner.add(hostile.site(title="巨大", longitude="1e400")),
        "an overlong address": partner.add(hostile.site(title="超长地址", address="址" * 256)),
    }
    good = partner.add(hostile.site(title="綦江红军桥", address="重庆市綦江区古南街道", longitude="1E+2"))
    unplaced = partner.add(hostile.site(title="未定位", latitude=None, longitude=None, address=""))

    call_command("sync_pull")

    for attack, change in hostile_sites.items():
        entry = quarantined(change)
        assert entry is not None, attack
        assert entry.reason == "bad_value", (attack, entry.detail)
        assert not RedHeritageSite.objects.filter(global_id=change["global_id"]).exists(), attack
    assert "latitude" in quarantined(hostile_sites["off the globe"]).detail
    assert "coordinates" in quarantined(hostile_sites["half a pair"]).detail
    # The good ones, sent after every attack, arrived; a site without coordinates is simply not mapped.
    arrived = RedHeritageSite.objects.get(global_id=good["global_id"])
    assert (arrived.latitude, arrived.longitude) == (Decimal("29.028"), Decimal("100"))
    assert arrived.address == "重庆市綦江区古南街道"
    assert RedHeritageSite.objects.get(global_id=unplaced["global_id"]).coordinates is None
    html = client.get("/red-sites/").content.decode()
    assert "綦江红军桥" in html and "未定位" in html
    assert '"lat": 29.028, "lng": 100.0' in html and "alert(1)" not in html
