"""The search page, its JSON and suggestions, answered by the real Elasticsearch node."""

import pytest

from search.selectors import content_search, content_suggest

from . import factories as f
from .conftest import titles

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_bigrams_find_words_inside_chinese_titles(corpus):
    assert "中央红军长征过綦江" in titles(content_search(query="长征"))
    assert titles(content_search(query="红岩精神")) == ["弘扬红岩精神学术研讨会"]
    assert "南方局在红岩村" in titles(content_search(query="南方局"))


def test_an_exact_title_is_ranked_first(corpus):
    results = content_search(query="长征")
    assert titles(results)[0] == "长征"
    assert set(titles(results)) >= {"长征", "中央红军长征过綦江"}


def test_a_person_from_the_shared_vocabulary_finds_the_record(corpus):
    assert titles(content_search(query="周恩来")) == ["南方局在红岩村"]


def test_snippets_highlight_the_query(corpus):
    hit = next(h for h in content_search(query="红岩精神").hits)
    assert "<mark>" in hit["snippet_html"] and "红岩" in hit["snippet_html"]


def test_facets_count_and_filters_combine(corpus):
    results = content_search(query="红")  # single characters do not match bigrams
    assert results.total == 0
    everything = content_search(query="", filters={"region": ["chongqing", "sichuan"]})
    modules = {b["value"]: b["count"] for b in everything.facets["module"]}
    assert modules == {"materials": 2, "research": 1, "events": 1, "training": 1}
    regions = {b["value"]: b["count"] for b in everything.facets["region"]}
    assert regions == {"chongqing": 2, "sichuan": 3}
    organisations = {b["label"]: b["count"] for b in everything.facets["organisation"]}
    assert organisations == {"綦江区委党史研究室": 2, "成都市委党史研究室": 3}
    years = {b["value"]: b["count"] for b in everything.facets["year"]}
    assert years["1935"] == 1 and years["2024"] == 1 and years["2025"] == 1

    combined = content_search(query="", filters={"region": ["sichuan"], "module": ["materials"]})
    assert titles(combined) == ["南方局在红岩村"]
    by_period = content_search(query="长征", filters={"period": ["new_democratic"]})
    assert titles(by_period) == ["中央红军长征过綦江"]
    types = {
        b["value"]: b["count"]
        for b in content_search(query="", filters={"module": ["materials"]}).facets["type"]
    }
    assert types == {"archive": 1, "photo": 1}


def test_access_internal_only_for_own_staff_partners_not_for_anonymous(qijiang, chengdu):
    f.material("綦江内部整理的长征档案", qijiang, access_level="internal")
    f.material("协作单位共享的长征资料", chengdu, access_level="partners")
    f.material("公开的长征资料", chengdu)
    own = f.staff("qijiang-staff", qijiang)
    other = f.staff("chengdu-staff", chengdu)

    assert set(titles(content_search(query="长征"))) == {"公开的长征资料"}
    assert set(titles(content_search(query="长征", user=other))) == {
        "公开的长征资料",
        "协作单位共享的长征资料",
    }
    assert set(titles(content_search(query="长征", user=own))) == {
        "公开的长征资料",
        "协作单位共享的长征资料",
        "綦江内部整理的长征档案",
    }
    # Facet counts never betray what a reader may not see.
    assert sum(b["count"] for b in content_search(query="长征").facets["module"]) == 1
    assert [s["text"] for s in content_suggest(query="綦江内部")] == []
    assert [s["text"] for s in content_suggest(query="綦江内部", user=own)] == ["綦江内部整理的长征档案"]


def test_lowering_to_internal_hides_and_deleting_removes(qijiang):
    record = f.material("綦江红军烈士纪念碑史料", qijiang)
    assert titles(content_search(query="纪念碑")) == ["綦江红军烈士纪念碑史料"]

    record.access_level = "internal"
    record.save()
    assert titles(content_search(query="纪念碑")) == []
    assert titles(content_search(query="纪念碑", user=f.staff("own", qijiang))) == ["綦江红军烈士纪念碑史料"]

    record.delete()
    assert titles(content_search(query="纪念碑", user=f.staff("own2", qijiang))) == []


def test_edits_reach_the_index(qijiang):
    record = f.course("党史讲解员培训", qijiang)
    record.title = "红岩讲解员培训"
    record.save()
    assert titles(content_search(query="红岩")) == ["红岩讲解员培训"]
    assert titles(content_search(query="党史讲解员")) == []


def test_suggestions_offer_titles_people_and_places(corpus):
    texts = {(s["kind"], s["text"]) for s in content_suggest(query="中央红")}
    assert ("title", "中央红军长征过綦江") in texts
    assert ("person", "周恩来") in {(s["kind"], s["text"]) for s in content_suggest(query="周恩")}
    assert ("place", "红岩村") in {(s["kind"], s["text"]) for s in content_suggest(query="红岩")}


def test_page_json_and_suggest_endpoint(client, corpus):
    html = client.get("/search/", {"q": "长征"}).content.decode()
    assert "中央红军长征过綦江" in html and "<mark>长征</mark>" in html
    assert 'class="facet facet-module"' in html

    data = client.get("/search/", {"q": "长征", "format": "json"}).json()
    assert data["backend"] == "elasticsearch"
    assert data["results"][0]["title"] == "长征"
    assert {"materials", "research"} <= {b["value"] for b in data["facets"]["module"]}

    filtered = client.get("/search/", {"q": "长征", "module": "materials", "format": "json"}).json()
    assert [r["title"] for r in filtered["results"]] == ["中央红军长征过綦江"]

    suggestions = client.get("/search/", {"q": "弘扬", "format": "suggest"}).json()["suggestions"]
    assert suggestions[0]["text"] == "弘扬红岩精神学术研讨会"


def test_pagination(qijiang):
    for n in range(23):
        f.course(f"长征精神专题培训第{n + 1}期", qijiang)
    first = content_search(query="长征精神")
    second = content_search(query="长征精神", page=2)
    assert first.total == 23 and first.num_pages == 2
    assert len(first.hits) == 20 and len(second.hits) == 3
    assert not set(titles(first)) & set(titles(second))


def test_indexing_waits_for_the_commit(settings, django_capture_on_commit_callbacks, qijiang):
    settings.SEARCH_QUEUE_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        f.material("綦江东溪古镇红色遗址调查", qijiang)
        assert titles(content_search(query="东溪古镇")) == []
    assert titles(content_search(query="东溪古镇")) == ["綦江东溪古镇红色遗址调查"]


def test_a_transactions_records_are_indexed_in_one_message_after_it_commits(
    settings, django_capture_on_commit_callbacks, qijiang
):
    from django.db import transaction

    from portal.task_backends import _CommitBatch
    from search.tasks import index_records

    settings.SEARCH_QUEUE_ON_COMMIT = True
    rolled_back = []
    with django_capture_on_commit_callbacks() as callbacks:
        kept = f.material("綦江东溪古镇红色遗址调查", qijiang)
        try:
            with transaction.atomic():  # a savepoint rolled back, as a refused sync change is
                rolled_back.append(f.material("綦江东溪古镇红军标语", qijiang).pk)
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            also = f.material("东溪古镇革命文物名录", qijiang)
    batches = [callback for callback in callbacks if isinstance(callback, _CommitBatch)]
    collected = [batch.collected[index_records][0] for batch in batches if index_records in batch.collected]
    # One message for the three saves; the one rolled back is indexed as it is: absent.
    assert [list(items) for items in collected] == [
        [("materials.Material", pk) for pk in (kept.pk, rolled_back[0], also.pk)]
    ]
    for callback in callbacks:
        callback()
    assert sorted(titles(content_search(query="东溪古镇"))) == sorted([kept.title, also.title])


def test_indexing_in_bulk_removes_what_is_gone_and_keeps_the_rest(qijiang, settings):
    from search.services import records_index

    kept, gone = f.material("綦江石壕红军烈士墓", qijiang), f.material("石壕红军标语", qijiang)
    assert sorted(titles(content_search(query="石壕"))) == sorted([kept.title, gone.title])
    label, gone_pk = "materials.Material", gone.pk
    settings.ELASTICSEARCH_URL, url = None, settings.ELASTICSEARCH_URL  # deleted with no index task
    gone.delete()
    settings.ELASTICSEARCH_URL = url
    assert records_index(items=[(label, kept.pk), (label, gone_pk), (label, gone_pk + 1000)]) == 1
    assert titles(content_search(query="石壕")) == ["綦江石壕红军烈士墓"]


def test_index_tasks_go_to_the_search_queue():
    from django.conf import settings

    from portal.celery import app

    for name in ("search.index_record", "search.index_records", "search.remove_record"):
        assert name in app.tasks
        assert app.amqp.router.route({}, name)["queue"].name == f"{settings.PORTAL_REGION}.search"


def test_the_english_page_labels_facets_in_english(client, corpus):
    html = client.get("/en/search/", {"q": "长征"}).content.decode()
    assert "Region" in html and "Party-history materials" in html and "Joint research" in html
    assert "中央红军长征过綦江" in html
    data = client.get("/en/search/", {"q": "长征", "module": "materials", "format": "json"}).json()
    assert data["results"][0]["url"].startswith("/en/materials/")


def test_facet_links_toggle_filters_on_the_page(client, corpus):
    html = client.get("/search/", {"q": "长征", "module": "materials"}).content.decode()
    assert 'href="?q=%E9%95%BF%E5%BE%81"' in html  # the selected module's link removes it
    assert "中央红军长征过綦江" in html and ">长征</a>" not in html


def test_a_selected_facet_keeps_its_alternatives(corpus):
    only_materials = content_search(query="长征", filters={"module": ["materials"]})
    assert titles(only_materials) == ["中央红军长征过綦江"]
    modules = {b["value"]: (b["count"], b["selected"]) for b in only_materials.facets["module"]}
    assert modules == {"materials": (1, True), "research": (1, False)}
    assert {b["value"]: b["count"] for b in only_materials.facets["region"]} == {"chongqing": 1}

    either = content_search(query="长征", filters={"module": ["materials", "research"]})
    assert set(titles(either)) == {"长征", "中央红军长征过綦江"}


def test_the_json_endpoint_applies_the_access_rule_of_the_signed_in_reader(client, qijiang, chengdu):
    f.material("协作单位共享的红岩档案", chengdu, access_level="partners")
    f.material("綦江内部的红岩档案", qijiang, access_level="internal")

    def found():
        data = client.get("/search/", {"q": "红岩档案", "format": "json"}).json()
        return {r["title"] for r in data["results"]}

    assert found() == set()
    client.force_login(f.staff("cd-reader", chengdu))
    assert found() == {"协作单位共享的红岩档案"}
    client.force_login(f.staff("qj-reader", qijiang))
    assert found() == {"协作单位共享的红岩档案", "綦江内部的红岩档案"}


def test_a_record_whose_document_cannot_be_built_leaves_the_index_and_the_rest_are_written(
    qijiang, monkeypatch
):
    from search import services

    broken, fine = f.material("綦江扶欢红军标语", qijiang), f.material("扶欢镇革命旧址", qijiang)
    assert sorted(titles(content_search(query="扶欢"))) == sorted([broken.title, fine.title])
    built = services.record_document

    def record_document(source, record):
        if record.pk == broken.pk:
            raise ValueError("a field that no longer reads")
        return built(source, record)

    monkeypatch.setattr(services, "record_document", record_document)
    fine.title = "扶欢镇革命旧址（修订）"
    type(fine).objects.filter(pk=fine.pk).update(title=fine.title)  # no signal: indexed below
    label = "materials.Material"
    with pytest.raises(services.BulkError, match="not built"):
        services.records_index(items=[(label, broken.pk), (label, fine.pk)])
    # Failing closed: the old document may show a record since withdrawn.
    assert titles(content_search(query="扶欢")) == ["扶欢镇革命旧址（修订）"]


def test_indexing_in_bulk_reads_topics_and_file_text_in_one_query_each_whatever_the_number(
    qijiang, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from materials.models import MaterialFile, MaterialFilePage
    from search.services import records_index

    settings.MEDIA_ROOT = str(tmp_path)
    person = f.topic("邓小平", "person")

    def with_text(count: int, place: str) -> list:
        records = [f.material(f"{place}会议记录{n}", qijiang, topics=[person]) for n in range(count)]
        for n, record in enumerate(records):
            version = MaterialFile.objects.create(
                material=record, version=1, file=ContentFile(b"-", name="a.txt"), original_name="a.txt",
                size=1, sha256="0" * 64, content_type="text/plain",
            )  # fmt: skip
            text = f"{place}纪要第{n}页"
            MaterialFilePage.objects.create(file=version, number=1, text=text, method="text_layer")
        return [("materials.Material", record.pk) for record in records]

    few, many = with_text(2, "广安"), with_text(8, "岳池")
    with CaptureQueriesContext(connection) as for_few:
        assert records_index(items=few) == 2
    with CaptureQueriesContext(connection) as for_many:
        assert records_index(items=many) == 8
    assert len(for_many.captured_queries) == len(for_few.captured_queries)
    assert titles(content_search(query="岳池纪要第7页")) == ["岳池会议记录7"]
    assert len(titles(content_search(query="邓小平"))) == 10


def test_a_large_batch_is_built_and_sent_a_chunk_at_a_time(qijiang, monkeypatch):
    from search import services

    records = [f.material(f"荣昌档案{n}", qijiang) for n in range(5)]
    client, requests = services.connect(), []
    sent = client.bulk

    def bulk(**request):
        requests.append(request)
        return sent(**request)

    monkeypatch.setattr(client, "bulk", bulk)
    monkeypatch.setattr(services, "connect", lambda: client)
    monkeypatch.setattr(services, "INDEX_CHUNK", 2)
    assert services.records_index(items=[("materials.Material", r.pk) for r in records]) == 5
    assert len(requests) == 3 * len(services._write_targets())
    assert sorted(titles(content_search(query="荣昌档案"))) == sorted(r.title for r in records)
