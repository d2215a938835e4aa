"""Writes to the Elasticsearch index: one record at a time, or a full rebuild behind an alias."""

import contextlib
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from elasticsearch import BadRequestError, NotFoundError, TransportError

from django.conf import settings

from .documents import ContentDocument, alias_name, building_alias_name, connect, versioned_index_name
from .sources import installed_sources, iter_documents, record_document, source_for

logger = logging.getLogger(__name__)


def _refresh():
    # Tests ask for refresh so that a search right after a save sees it.
    return getattr(settings, "SEARCH_INDEX_REFRESH", False)


def index_create(*, name: str) -> str:
    index = ContentDocument._index.clone(name=name)
    index.settings(
        number_of_shards=settings.SEARCH_INDEX_SHARDS, number_of_replicas=settings.SEARCH_INDEX_REPLICAS
    )
    index.save(using=connect())
    return name


_mapped: set[str] = set()


def _mapping_update(client, alias: str) -> None:
    """Fields added to ContentDocument since the index was made (pages) join its mapping, once per process.

    Only new fields can be added this way; a changed field needs `manage.py search_rebuild`.
    """
    if alias in _mapped:
        return
    properties = ContentDocument._doc_type.mapping.to_dict()["properties"]
    for index, mapping in client.indices.get_mapping(index=alias).items():
        missing = {k: v for k, v in properties.items() if k not in mapping["mappings"].get("properties", {})}
        if missing:
            client.indices.put_mapping(index=index, properties=missing)
    _mapped.add(alias)


def index_ensure() -> str:
    """The alias over a live index, creating an empty one the first time.

    Every worker thread may be first: the first index has one name for all of them, so the alias
    never points at two indices (Elasticsearch then refuses every write until a rebuild).
    """
    client = connect()
    alias = alias_name()
    if client.indices.exists_alias(name=alias):
        _mapping_update(client, alias)
        return alias
    first = f"{alias}-first"
    try:
        index_create(name=first)
    except BadRequestError as error:
        if error.error != "resource_already_exists_exception":
            raise
    client.indices.update_aliases(actions=[{"add": {"index": first, "alias": alias}}])
    return alias


def _write_targets() -> list[str]:
    client = connect()
    targets = [index_ensure()]
    # A rebuild in progress must not miss changes made while it runs.
    building = building_alias_name()
    if client.indices.exists_alias(name=building):
        targets.append(building)
    return targets


def record_index(*, label: str, pk: int) -> bool:
    """Index one record as it is now in the database (records_index); False when it was removed."""
    return records_index(items=[(label, pk)]) == 1


INDEX_CHUNK = 500  # documents built and sent at once: a transaction may save thousands, each with its text


def records_index(*, items: list[tuple[str, int]]) -> int:
    """Index the records as they are now in the database, in bulk requests; remove those gone.

    Returns how many were indexed. A record whose document cannot be built is removed from the index
    (never left as it was: it may have been withdrawn), and every record and target is written
    before a refusal is raised; what Elasticsearch could not take for now (429, 5xx) raises
    TransportError.
    """
    items = [(label, pk) for label, pk in items if source_for(label) is not None]
    indexed, failed, unbuilt = 0, [], []
    for start in range(0, len(items), INDEX_CHUNK):
        documents, chunk_unbuilt = _documents_build(items[start : start + INDEX_CHUNK])
        failed += _documents_write(documents)
        unbuilt += chunk_unbuilt
        indexed += sum(document is not None for document in documents.values())
    if any(outcome["status"] == 429 or outcome["status"] >= 500 for outcome in failed):
        raise TransportError(f"{len(failed)} documents not taken for now, first: {failed[0]}")
    if failed or unbuilt:
        raise BulkError(f"documents refused: {failed[:1]}; not built (removed): {unbuilt[:5]}")
    return indexed


def _documents_build(items: list[tuple[str, int]]) -> tuple[dict[str, dict | None], list[str]]:
    """Each record's document (None: remove it), and the ids of those that could not be built."""
    by_label: dict[str, list[int]] = {}
    for label, pk in items:
        by_label.setdefault(label, []).append(pk)
    documents: dict[str, dict | None] = {}
    unbuilt: list[str] = []
    for label, pks in by_label.items():
        source = source_for(label)
        found = {record.pk: record for record in source.document_records().filter(pk__in=pks)}
        for pk in pks:
            doc_id, record = f"{source.label.lower()}:{pk}", found.get(pk)
            try:
                documents[doc_id] = record_document(source, record) if record else None
            except Exception:
                logger.exception("could not build the search document of %s; removing it", doc_id)
                documents[doc_id] = None
                unbuilt.append(doc_id)
    return documents, unbuilt


def _documents_write(documents: dict[str, dict | None]) -> list[dict]:
    """One bulk request per write target; returns what Elasticsearch refused."""
    if not documents:
        return []
    client = connect()
    failed: list[dict] = []
    for target in _write_targets():
        operations = []
        for doc_id, document in documents.items():
            if document is None:
                operations.append({"delete": {"_index": target, "_id": doc_id}})
            else:
                operations += [{"index": {"_index": target, "_id": doc_id}}, document]
        response = client.bulk(operations=operations, refresh=_refresh())
        if response["errors"]:
            failed += _bulk_failures(response)
    return failed


def _bulk_failures(response) -> list[dict]:
    return [
        outcome
        for item in response["items"]
        for action, outcome in item.items()
        if outcome.get("error") and not (action == "delete" and outcome["status"] == 404)
    ]


def record_remove(*, doc_id: str) -> None:
    client = connect()
    for target in _write_targets():
        with contextlib.suppress(NotFoundError):
            client.delete(index=target, id=doc_id, refresh=_refresh())


def _bulk_actions(index: str):
    for source in installed_sources():
        for doc_id, document in iter_documents(source):
            yield {"_index": index, "_id": doc_id, "_source": document}


class BulkError(Exception):
    pass


def _bulk_request(client, chunk: list[dict]) -> int:
    operations = []
    for action in chunk:
        operations += [{"index": {"_index": action["_index"], "_id": action["_id"]}}, action["_source"]]
    response = client.bulk(operations=operations)
    if response["errors"]:
        failed = [item["index"] for item in response["items"] if item["index"].get("error")]
        raise BulkError(f"{len(failed)} documents failed, first: {failed[0]}")
    return len(chunk)


def _bulk_send(client, actions, *, chunk_size: int, progress, in_flight: int = 2) -> int:
    """Send chunks on two threads while this one reads the next chunk from the database.

    The documents are built here, on the caller's thread and database connection.
    """
    written = 0
    actions = iter(actions)
    pending: deque = deque()
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        while chunk := list(islice(actions, chunk_size)):
            pending.append(pool.submit(_bulk_request, client, chunk))
            while len(pending) >= in_flight or (pending and pending[0].done()):
                written += pending.popleft().result()
                if progress is not None:
                    progress(written)
        while pending:
            written += pending.popleft().result()
            if progress is not None:
                progress(written)
    return written


def records_count() -> int:
    return sum(source.records().count() for source in installed_sources())


def index_rebuild(
    *, progress: Callable[[int], None] | None = None, actions=None, chunk_size: int = 1000
) -> tuple[str, int]:
    """Fill a new index with every record, then point the alias at it in one step.

    Readers keep querying the old index until the swap; the old index is deleted after it.
    Returns the new index name and the number of documents written.
    """
    client = connect()
    alias, building = alias_name(), building_alias_name()
    new_index = index_create(name=versioned_index_name())
    # Rebuilding does not need near-real-time refreshes; the swap refreshes once.
    client.indices.put_settings(index=new_index, settings={"index": {"refresh_interval": "-1"}})
    client.indices.update_aliases(actions=[{"add": {"index": new_index, "alias": building}}])
    written = 0
    try:
        written = _bulk_send(
            client,
            actions if actions is not None else _bulk_actions(new_index),
            chunk_size=chunk_size,
            progress=progress,
        )
    except BaseException:
        client.indices.delete(index=new_index, ignore_unavailable=True)
        raise
    client.indices.put_settings(index=new_index, settings={"index": {"refresh_interval": None}})
    client.indices.refresh(index=new_index)
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    # One request: readers see the old index or the new one, never none.
    client.indices.update_aliases(
        actions=[
            *[{"remove": {"index": name, "alias": alias}} for name in old],
            {"add": {"index": new_index, "alias": alias}},
            {"remove": {"index": new_index, "alias": building}},
        ]
    )
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    logger.info("search index rebuilt: %s (%d documents)", new_index, written)
    return new_index, written


def indexes_drop() -> None:
    """Delete every index of this prefix (tests and the benchmark clean up with it)."""
    client = connect()
    # Wildcard deletes are refused by default (action.destructive_requires_name): name each one.
    names = list(client.indices.get(index=f"{alias_name()}*", allow_no_indices=True).keys())
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)
