import datetime
import uuid

import pytest

from portal.celery import app as celery_app

from . import factories as f


@pytest.fixture(autouse=True)
def search_index(settings, elasticsearch_url):
    """A private index prefix on the real node, indexed inline, deleted afterwards.

    Celery runs the real tasks eagerly (the test's transaction never commits, so
    indexing happens at save time); every write refreshes so searches see it.
    """
    from search import services

    settings.ELASTICSEARCH_URL = elasticsearch_url
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:10]}"
    settings.SEARCH_QUEUE_ON_COMMIT = False
    settings.SEARCH_INDEX_REFRESH = True
    eager, propagates = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    services.index_ensure()
    yield services.alias_name()
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager, propagates
    settings.ELASTICSEARCH_URL = elasticsearch_url  # a test may have switched it off
    services.indexes_drop()


@pytest.fixture
def no_elasticsearch(settings):
    settings.ELASTICSEARCH_URL = None


@pytest.fixture(params=["elasticsearch", "database"])
def backend(request, settings):
    """Runs a test once on Elasticsearch and once on the database fallback; check results.backend."""
    if request.param == "database":
        settings.ELASTICSEARCH_URL = None
    return request.param


@pytest.fixture
def qijiang():
    return f.organisation("test-cq-qijiang", name="綦江区委党史研究室")


@pytest.fixture
def chengdu():
    return f.organisation("test-sc-chengdu", name="成都市委党史研究室", region="sichuan")


@pytest.fixture
def corpus(qijiang, chengdu):
    long_march = f.topic("长征", "event")
    zhou = f.topic("周恩来", "person")
    hongyan_village = f.topic("红岩村", "place")
    return {
        "qijiang": f.material(
            "中央红军长征过綦江",
            qijiang,
            description="1935年1月，中央红军长征途经綦江，这是红军长征在重庆的唯一过境地。",
            period="new_democratic",
            date_from=datetime.date(1935, 1, 16),
            topics=[long_march],
        ),
        "hongyan": f.event("弘扬红岩精神学术研讨会", chengdu, summary="两地专家研讨红岩精神的时代价值。"),
        "long_march_exact": f.project("长征", qijiang, summary="长征精神在川渝的传承研究。"),
        "nanfang": f.material(
            "南方局在红岩村",
            chengdu,
            description="中共中央南方局驻地，周恩来在此领导南方党的工作。",
            material_type="photo",
            topics=[zhou, hongyan_village],
        ),
        "course": f.course("红色资源保护利用培训班", chengdu, summary="面向两地党史干部。"),
    }


def titles(results):
    return [hit["title"] for hit in results.hits]
