"""The archive's storage over SQLite and PostgreSQL: writing records, reading, retention,
migrations run by several starters at once."""

from __future__ import annotations

import threading

from sqlalchemy import text

from newswatch.archive import read
from newswatch.archive.database import Archive, open_archive
from newswatch.archive.migrate import head
from newswatch.archive.write import prune, write_records
from tests.support.archive import alert, record, sighting_record

URL = "https://example.org/a"


def test_an_article_and_its_alerts_are_stored(archive: Archive) -> None:
    first = alert("w1", URL, "2026-12-01T10:00:00Z")
    write_records(archive, [record(URL, "Peace talks", "Body text.", alerts=(first,),
                                   published="2026-12-01T09:00:00Z")])  # fmt: skip

    article = read.article(archive, url=URL)
    assert article is not None
    assert (article.title, article.text, article.site, article.language, article.feed) == (
        "Peace talks", "Body text.", "example.org", "en", "Feed"
    )  # fmt: skip
    assert article.published == "2026-12-01T09:00:00Z" and article.versions == 1
    assert article.first_seen == article.seen_at == article.last_seen == 1_000_000.0
    assert article.story_id is None
    assert read.article(archive, id=article.id) == article
    [stored] = read.latest_alerts(archive)
    assert stored.alert_id == first.id and stored.watch == "w1" and stored.update_of is None
    assert stored.hits == [{"field": "title", "term": "word", "start": 0, "end": 4}]
    assert stored.snippet == "the snippet" and stored.marks == [[0, 4]]
    assert stored.article == article


def test_a_material_change_replaces_the_text_once_even_when_written_twice(
    archive: Archive,
) -> None:
    write_records(archive, [record(URL, "Title", "Old text.", seen_at=100.0)])
    changed = record(URL, "Title", "New and longer text.", seen_at=200.0)

    write_records(archive, [changed])
    write_records(archive, [changed])  # redelivered after a crash before the ack

    article = read.article(archive, url=URL)
    assert article is not None
    assert article.text == "New and longer text." and article.versions == 2
    assert (article.first_seen, article.seen_at, article.last_seen) == (100.0, 200.0, 200.0)


def test_a_sighting_only_moves_last_seen(archive: Archive) -> None:
    write_records(archive, [record(URL, seen_at=100.0)])
    write_records(archive, [sighting_record(URL, 300.0), sighting_record("https://x/none", 1.0)])
    article = read.article(archive, url=URL)
    assert article is not None
    assert (article.seen_at, article.last_seen, article.versions) == (100.0, 300.0, 1)
    assert read.summary(archive).articles == 1


def test_latest_alerts_newest_first_for_all_or_one_watch(archive: Archive) -> None:
    records = [
        record(f"https://example.org/{i}", alerts=(alert(w, f"u{i}", f"2026-12-0{i}T00:00:00Z"),))
        for i, w in ((1, "a"), (2, "b"), (3, "a"))
    ]
    update = alert("a", "u1", "2026-12-04T00:00:00Z", id="update-1", update_of="a-u1")
    write_records(archive, [*records, record("https://example.org/1", "Changed", alerts=(update,))])

    assert [a.alert_id for a in read.latest_alerts(archive)] == ["update-1", "a-u3", "b-u2", "a-u1"]
    assert [a.alert_id for a in read.latest_alerts(archive, "a", limit=2)] == ["update-1", "a-u3"]
    assert read.latest_alerts(archive, "a")[0].update_of == "a-u1"
    assert read.latest_alerts(archive, "a")[0].article.title == "Changed"
    assert read.summary(archive).alerts == 4


def test_retention_prunes_articles_not_seen_since_and_their_alerts(archive: Archive) -> None:
    old, kept = "https://example.org/old", "https://example.org/kept"
    write_records(archive, [
        record(old, "Old", "gone soon", alerts=(alert("w", old),), seen_at=100.0),
        record(kept, "Kept", "stays", alerts=(alert("w", kept),), seen_at=100.0),
        sighting_record(kept, 500.0),
    ])  # fmt: skip

    assert prune(archive, before=200.0) == 1

    assert read.article(archive, url=old) is None
    assert read.article(archive, url=kept) is not None
    assert [a.article.canonical_url for a in read.latest_alerts(archive)] == [kept]
    summary = read.summary(archive)
    assert (summary.articles, summary.alerts, summary.oldest) == (1, 1, 100.0)
    assert summary.size_bytes > 0


def test_several_starters_migrate_at_once(archive_url: str) -> None:
    opened: list[Archive] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        try:
            opened.append(open_archive(archive_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and len(opened) == 6
    with opened[0].begin("test") as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head()]
    write_records(opened[-1], [record(URL)])
    for archive in opened:
        archive.close()
