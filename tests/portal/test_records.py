"""The one version rule of shared records (portal.records.models.Versioned)."""

import pytest

from materials.models import Material
from tests.factories import OrganisationFactory
from training.models import Course


@pytest.fixture
def material(db):
    organisation = OrganisationFactory(region="sichuan")
    return Material.objects.create(
        origin_organisation=organisation, title="红岩档案", material_type="archive"
    )


def _stored(record) -> int:
    return type(record).objects.values_list("version", flat=True).get(pk=record.pk)


def test_a_new_record_starts_at_version_one(material):
    assert material.version == _stored(material) == 1


def test_every_full_save_moves_the_version_on_by_one(material):
    material.save()
    material.title = "红岩档案（修订）"
    material.save()
    assert material.version == _stored(material) == 3


def test_a_save_limited_to_other_fields_leaves_the_version(material):
    material.title = "只改题名"
    material.save(update_fields=["title"])
    assert material.version == _stored(material) == 1
    assert Material.objects.get(pk=material.pk).title == "只改题名"


def test_an_instance_from_an_older_state_never_moves_the_version_back(material):
    stale = Material.objects.get(pk=material.pk)
    material.save()
    material.save()
    stale.save()
    assert stale.version == _stored(material) == 4


def test_every_versioned_model_follows_the_same_rule(db):
    organisation = OrganisationFactory(region="sichuan")
    course = Course.objects.create(origin_organisation=organisation, title="党史培训班")
    course.save(update_fields=["title"])
    assert _stored(course) == 1
    course.save()
    assert _stored(course) == 2


def test_list_filters_never_add_distinct_even_across_a_to_many_join(db):
    from materials.filters import MaterialFilters

    same_row = MaterialFilters({"region": "sichuan", "organisation": "sc-x"}).apply(Material.objects.all())
    assert not same_row.query.distinct
    across_topics = MaterialFilters({"place": "place-綦江"}).apply(Material.objects.all())
    assert not across_topics.query.distinct and "EXISTS" in str(across_topics.query)


def test_a_place_filter_finds_the_material_tagged_with_it(material):
    from materials.filters import MaterialFilters
    from portal.services import topic_get_or_create

    qijiang, jiangjin = (topic_get_or_create(kind="place", name=name) for name in ("綦江", "江津"))
    material.topics.set([qijiang, jiangjin])
    assert list(MaterialFilters({"place": qijiang.slug}).apply(Material.objects.all())) == [material]
    assert list(MaterialFilters({"person": qijiang.slug}).apply(Material.objects.all())) == []


def test_a_filter_value_no_record_could_hold_matches_nothing_rather_than_everything(material):
    from materials.filters import MaterialFilters

    assert list(MaterialFilters({"type": "archive"}).apply(Material.objects.all())) == [material]
    too_long = MaterialFilters({"q": "长" * 201, "type": "archive"})
    assert list(too_long.apply(Material.objects.all())) == []
