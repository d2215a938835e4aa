import uuid

import pytest

from search.documents import ContentDocument, connect

pytestmark = pytest.mark.services


@pytest.fixture
def test_index(settings, elasticsearch_url):
    settings.ELASTICSEARCH_URL = elasticsearch_url
    client = connect()
    name = f"test-content-{uuid.uuid4().hex[:8]}"
    ContentDocument.init(index=name)
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)


def test_chinese_document_is_indexed_and_found_on_the_node(test_index):
    ContentDocument(
        meta={"id": "qijiang-1"},
        title="中央红军长征过綦江",
        body="綦江区是中央红军长征在重庆的唯一过境地。",
        region="chongqing",
        module="materials",
        access_level="public",
    ).save(index=test_index, refresh=True)
    ContentDocument(
        meta={"id": "hongyan-1"},
        title="弘扬红岩精神",
        body="红岩精神与中国革命精神学术研讨会",
        region="chongqing",
        module="events",
        access_level="public",
    ).save(index=test_index, refresh=True)

    long_march = ContentDocument.search(index=test_index).query("match", title="长征").execute()
    hongyan = ContentDocument.search(index=test_index).query("match_phrase", body="红岩精神").execute()

    assert [hit.meta.id for hit in long_march] == ["qijiang-1"]
    assert [hit.meta.id for hit in hongyan] == ["hongyan-1"]


def test_the_node_splits_chinese_into_bigrams(test_index):
    tokens = connect().indices.analyze(index=test_index, analyzer="cjk", text="中央红军长征")
    assert [t["token"] for t in tokens["tokens"]] == ["中央", "央红", "红军", "军长", "长征"]
