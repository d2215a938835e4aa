"""For a test that needs no demo content: the two offices its scripts use."""

from portal.models import Organisation


def main():
    for code, name, short, region, level in [
        ("sc-chengdu", "成都市委党史研究室", "成都市委", "sichuan", "city"),
        ("cq-qijiang", "綦江区委党史地方志研究室", "綦江区委", "chongqing", "district"),
    ]:
        Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "region": region, "level": level}
        )
