"""Delivery against real Redis and real HTTP receivers: retries, dead letters, replay, budgets,
digests, story updates. Alerts are put on the ``alerts`` stream directly (or entries on the
``entries`` stream), then the real notifier (and worker) roles run to completion."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from click.testing import CliRunner, Result

from newswatch.alerts import Alert, ArticleInfo
from newswatch.cli import main
from newswatch.config import Settings, load_config
from newswatch.constants import (
    ALERTS_STREAM,
    DEAD_LETTER_STREAM,
    ENTRIES_STREAM,
    NOTIFIERS_GROUP,
    RETRY_DUE,
)
from newswatch.daemon.roles import open_roles
from newswatch.daemon.runner import run_once
from newswatch.daemon.stats import Stats
from newswatch.match.model import Hit
from newswatch.queue.streams import encode
from tests.support.http import Route, Server

FAST_RETRY = "{max_attempts: 5, base_delay: 10ms, max_delay: 40ms}"


def write_config(
    tmp_path: Path,
    redis_url: str,
    notifiers: dict[str, str],
    watch_extra: str = "",
    notify: str = "[hook]",
) -> Settings:
    """A config with watch ``w`` (query: ukraine) notifying ``notify``."""
    lines = [
        f'redis: {{url: "{redis_url}", visibility_timeout: 1s}}',
        f"data_dir: {tmp_path / 'data'}",
        "watches:",
        "  - id: w",
        "    query: 'ukraine'",
        f"    notify: {notify}",
        *([f"    {watch_extra}"] if watch_extra else []),
        "notifiers:",
        *(f"  {name}: {body}" for name, body in notifiers.items()),
    ]
    path = tmp_path / "newswatch.yaml"
    path.write_text("\n".join(lines) + "\n")
    return load_config(path)


def hook(url: str, retry: str = FAST_RETRY, extra: str = "") -> str:
    """A webhook notifier's config."""
    return f'{{type: webhook, url: "{url}", retry: {retry}{extra}}}'


def make_alert(n: int, notify: tuple[str, ...] = ("hook",), watch: str = "w") -> Alert:
    """Alert number ``n``: its id is ``alert-<n>`` padded, so tests can read receipts."""
    article = ArticleInfo(
        url=f"https://news.example/{n}", title=f"Ukraine story {n}", feed="Example",
        published=None, language="en", author=None, snippet="Ukraine talks", text="Ukraine talks",
    )  # fmt: skip
    return Alert(
        id=f"alert-{n:04d}", watch=watch, detected_at="2026-01-01T00:00:00Z", article=article,
        hits=(Hit("body", "Ukraine", 0, 7),), notify=notify, marks=((0, 7),),
    )  # fmt: skip


async def enqueue(redis: aioredis.Redis, alerts: list[Alert]) -> None:
    """Put alerts on the ``alerts`` stream as the worker does."""
    for alert in alerts:
        await redis.xadd(ALERTS_STREAM, encode(alert.to_message()))  # type: ignore[arg-type]


def received_ids(server: Server, path: str = "/hook", status: int = 200) -> list[str]:
    """Ids of the alerts the receiver accepted (answered ``status``), in order."""
    return [json.loads(r.body)["id"] for r in server.requests(path) if r.status == status]


async def cli(settings: Settings, *args: str) -> Result:
    """``newswatch <args> --config <file>`` through click's runner (in a thread: it runs its
    own event loop)."""
    argv = [*args, "--config", str(settings.path)]
    return await asyncio.to_thread(CliRunner().invoke, main, argv)


async def dead(redis: aioredis.Redis) -> list[dict[str, Any]]:
    return [json.loads(f["data"]) for _id, f in await redis.xrange(DEAD_LETTER_STREAM)]


async def test_503_three_times_then_200_delivers_exactly_once(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    busy = (503, b"busy", {})
    http_server.route("/hook", Route(responses=[busy, busy, busy, (200, b"ok", {})]))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    await enqueue(redis_client, [make_alert(1)])

    stats = await run_once(settings, roles=["notifier"])

    assert [r.status for r in http_server.requests("/hook")] == [503, 503, 503, 200]
    assert received_ids(http_server) == ["alert-0001"]
    assert stats.delivered == 1 and stats.delivery_failures == 3 and stats.dead_lettered == 0
    assert await redis_client.zcard(RETRY_DUE) == 0 and await dead(redis_client) == []
    assert (await redis_client.xpending(ALERTS_STREAM, "notifiers"))["pending"] == 0

    again = await run_once(settings, roles=["notifier"])  # nothing left: nothing resent
    assert again.delivered == 0 and len(http_server.requests("/hook")) == 4


async def test_410_is_dead_lettered_at_once_and_replayed_after_the_fix(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=410, body=b"gone"))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    await enqueue(redis_client, [make_alert(1), make_alert(2)])

    stats = await run_once(settings, roles=["notifier"])

    assert len(http_server.requests("/hook")) == 2 and stats.dead_lettered == 2
    listed = await cli(settings, "dlq", "list", "--json")
    assert listed.exit_code == 0, listed.output
    # Dead letters are listed in the order they died; the two alerts are sent concurrently.
    letters = sorted(json.loads(listed.output), key=lambda d: d["alert_id"])
    assert [(d["alert_id"], d["watch"], d["notifier"], d["attempts"]) for d in letters] == [
        ("alert-0001", "w", "hook", 1), ("alert-0002", "w", "hook", 1),
    ]  # fmt: skip
    assert set(letters[0]) == {"id", "alert_id", "watch", "notifier", "attempts", "error"}
    assert "410" in letters[0]["error"]

    http_server.route("/hook", Route(status=200, body=b"ok"))  # the receiver is fixed
    assert (await cli(settings, "dlq", "replay", letters[0]["id"])).exit_code == 0
    await run_once(settings, roles=["notifier"])
    assert received_ids(http_server) == ["alert-0001"]

    replay_all = await cli(settings, "dlq", "replay", "--all")
    assert replay_all.output.strip() == (
        "re-queued 1 dead letter for its notifier; a running daemon (`newswatch run`) delivers "
        "it, or `newswatch run --once --role notifier` now"
    )
    await run_once(settings, roles=["notifier"])
    assert received_ids(http_server) == ["alert-0001", "alert-0002"]
    assert await redis_client.xlen(DEAD_LETTER_STREAM) == 0
    text = await cli(settings, "dlq", "list")
    assert text.output.strip() == "no dead letters"


async def test_spent_retry_budget_dead_letters_with_the_last_error_and_drop(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=502, body=b"bad gateway"))
    retry = "{max_attempts: 3, base_delay: 10ms}"
    settings = write_config(
        tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook", retry)}
    )
    await enqueue(redis_client, [make_alert(1)])

    await run_once(settings, roles=["notifier"])

    assert len(http_server.requests("/hook")) == 3
    [letter] = await dead(redis_client)
    assert letter["attempts"] == 3 and "HTTP 502" in letter["error"]
    result = await cli(settings, "dlq", "drop", "--all")
    assert result.output.strip() == "dropped 1 dead letter"
    assert await redis_client.xlen(DEAD_LETTER_STREAM) == 0


async def test_retry_after_beyond_the_once_wait_stays_queued_for_the_next_run(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route(
        "/hook", Route(responses=[(429, b"", {"Retry-After": "600"}), (200, b"", {})])
    )
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    await enqueue(redis_client, [make_alert(1)])
    before = datetime.now(UTC).timestamp()

    stats = await run_once(settings, roles=["notifier"])

    assert stats.retries_waiting == 1 and len(http_server.requests("/hook")) == 1
    [(member, due_ms)] = await redis_client.zrange(RETRY_DUE, 0, -1, withscores=True)
    assert member == "alert-0001:hook" and due_ms / 1000 >= before + 600
    await redis_client.zadd(RETRY_DUE, {member: 0})  # time passes
    await run_once(settings, roles=["notifier"])
    assert received_ids(http_server) == ["alert-0001"]


async def test_each_notifier_of_an_alert_is_retried_on_its_own(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, make_http_server: Any
) -> None:
    good, flaky = make_http_server(), make_http_server()
    good.route("/hook", Route(status=200))
    flaky.route("/hook", Route(responses=[(500, b"", {}), (200, b"", {})]))
    notifiers = {"hook": hook(good.url + "/hook"), "other": hook(flaky.url + "/hook")}
    settings = write_config(tmp_path, redis_url_clean, notifiers, notify="[hook, other]")
    await enqueue(redis_client, [make_alert(1, ("hook", "other"))])

    await run_once(settings, roles=["notifier"])

    assert received_ids(good) == ["alert-0001"] and len(good.requests()) == 1
    assert received_ids(flaky) == ["alert-0001"] and len(flaky.requests()) == 2


async def test_budget_overflow_goes_into_the_next_digest(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=200))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")},
                            watch_extra="max_alerts_per_hour: 2")  # fmt: skip
    await enqueue(redis_client, [make_alert(n) for n in range(1, 6)])

    stats = await run_once(settings, roles=["notifier"])
    direct = received_ids(http_server)  # a batch is delivered concurrently: any two of five
    assert len(direct) == 2 and stats.deferred == 3

    later = datetime.now(UTC) + timedelta(hours=1)
    payload = await flush_and_deliver(settings, later, http_server)
    assert payload is not None and payload["type"] == "digest" and payload["count"] == 3
    assert sorted(direct + [a["id"] for a in payload["alerts"]]) == [
        f"alert-{n:04d}" for n in range(1, 6)
    ]
    assert await flush_and_deliver(settings, later + timedelta(hours=2), http_server) is None
    assert len(http_server.requests("/hook")) == 3


async def test_quiet_hours_hold_alerts_until_they_end(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=200))
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=1), now + timedelta(hours=2)
    quiet = f'quiet_hours: {{start: "{start:%H:%M}", end: "{end:%H:%M}", timezone: UTC}}'
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")},
                            watch_extra=quiet)  # fmt: skip
    await enqueue(redis_client, [make_alert(1)])

    await run_once(settings, roles=["notifier"])
    assert http_server.requests() == []
    assert (
        await flush_and_deliver(settings, now + timedelta(hours=1, minutes=1), http_server) is None
    )
    payload = await flush_and_deliver(settings, now + timedelta(hours=3, minutes=1), http_server)
    assert payload is not None and [a["id"] for a in payload["alerts"]] == ["alert-0001"]


async def test_digest_mode_sends_one_signed_message_per_schedule(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=200))
    extra = ', secret: "s3cret", digest: {cron: "0 8 * * *", timezone: Asia/Jakarta}'
    settings = write_config(tmp_path, redis_url_clean,
                            {"hook": hook(http_server.url + "/hook", extra=extra)})  # fmt: skip
    await enqueue(redis_client, [make_alert(n) for n in range(1, 4)])
    await run_once(settings, roles=["notifier"])
    assert http_server.requests() == []

    payload = await flush_and_deliver(
        settings, datetime.now(UTC) + timedelta(days=1, minutes=1), http_server
    )
    assert payload is not None and payload["count"] == 3
    request = http_server.requests("/hook")[0]
    assert request.headers["idempotency-key"] == payload["id"]
    assert "x-newswatch-signature" in request.headers


async def flush_and_deliver(
    settings: Settings, when: datetime, server: Server
) -> dict[str, Any] | None:
    """Flush digests as if the clock said ``when``, deliver, return the digest payload sent."""
    async with open_roles(settings, Stats(), None) as r:
        if not await r.deliverer.flush_digests(when):
            return None
        consumer = r.consumer(ALERTS_STREAM, NOTIFIERS_GROUP)
        await r.deliverer.consume(consumer, asyncio.Event(), burst=True)
    payloads = [json.loads(request.body) for request in server.requests("/hook")]
    return [p for p in payloads if p.get("type") == "digest"][-1]


async def test_story_updates_refer_to_the_first_alert(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=200))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    body = " ".join(f"word{i}" for i in range(200))
    entry = {"feed_id": "f", "feed": "Example", "feed_url": "https://news.example/rss",
             "guid": "g1", "link": "https://news.example/story?utm_source=x", "title": "Ukraine",
             "summary": f"Ukraine {body}", "published": None, "author": None,
             "fetch_article": False}  # fmt: skip

    async def run(summary: str, **changes: Any) -> list[dict[str, Any]]:
        await redis_client.xadd(ENTRIES_STREAM, encode({**entry, "summary": summary, **changes}))  # type: ignore[arg-type]
        before = len(http_server.requests("/hook"))
        await run_once(settings, roles=["worker", "notifier"])
        return [json.loads(r.body) for r in http_server.requests("/hook")[before:]]

    [first] = await run(f"Ukraine {body}")
    assert first["update_of"] is None
    assert await run(f"Ukraine {body}") == []  # the same entry again: one Redis read
    assert await run(f"Ukraine {body}", guid="g2") == []  # same text through another entry
    assert await run(f"Ukraine {body.replace('word7 ', 'word7b ')}") == []  # a typo fix
    extra = " ".join(f"new{i}" for i in range(60))
    [update] = await run(f"Ukraine {body} {extra}")
    assert update["update_of"] == first["id"] and update["id"] != first["id"]
    assert extra in update["article"]["text"]
    assert await run(f"Ukraine {body} {extra}", title="Ukraine!") == []  # no second update
