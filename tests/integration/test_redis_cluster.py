"""A Redis Cluster (three masters, started by the test) as newswatch's Redis: ``redis.cluster``.

The scale-out scenario on the cluster is in test_scale_out.py; here ``run --once``, the
commands that read Redis, what uses the multi-key scripts and transactions (retries, budgets,
digests, dead letters), and the errors of a config that does not say it is a cluster.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as aioredis
from redis.crc import key_slot

from newswatch.config import load_config
from newswatch.constants import ALERTS_STREAM
from newswatch.daemon.runner import run_once
from newswatch.errors import ConfigError, QueueError
from tests.integration.test_delivery import (
    cli,
    enqueue,
    flush_and_deliver,
    hook,
    make_alert,
    received_ids,
    write_config,
)
from tests.integration.test_redis_urls import pipeline_config
from tests.support.http import Route, Server
from tests.support.redis_cluster import RedisCluster
from tests.support.site import serve_site


def with_cluster(path: Path) -> Path:
    """The config at ``path``, its ``redis:`` flow mapping given ``cluster: true``."""
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("redis: {"))
    path.write_text(text.replace(line, line.removesuffix("}") + ", cluster: true}"))
    return path


@pytest.fixture
async def cluster_client(redis_cluster: RedisCluster) -> AsyncIterator[aioredis.RedisCluster]:
    client = aioredis.RedisCluster.from_url(redis_cluster.url, decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()


def test_the_keys_live_on_another_node_than_the_one_in_the_url(
    redis_cluster: RedisCluster,
) -> None:
    # So a client that ignored the cluster (MOVED replies) would fail every test here.
    first_node_slots = range(0, 16384 // 3 + 1)
    assert key_slot(ALERTS_STREAM.encode()) not in first_node_slots


async def test_run_once_and_the_commands_work_on_a_cluster(
    tmp_path: Path, redis_cluster: RedisCluster, make_http_server: Callable[[], Server]
) -> None:
    site, receiver = make_http_server(), make_http_server()
    receiver.route("/hook", Route(body=b"ok"))
    path = pipeline_config(tmp_path, redis_cluster.url, serve_site(site)["feed"],
                           receiver.url + "/hook")  # fmt: skip
    settings = load_config(with_cluster(path))

    stats = await run_once(settings)
    again = await run_once(settings)  # the feed unchanged, the alert already sent

    assert (stats.alerts, stats.delivered, again.alerts, again.delivered) == (1, 1, 0, 0)
    assert len(receiver.requests("/hook")) == 1
    outputs = []
    for command in (["status", "--json"], ["feeds", "--json"], ["dlq", "list", "--json"]):
        result = await cli(settings, *command)
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(result.output))
    status, feeds, dead = outputs
    lengths = {s["name"]: s["length"] for s in status["streams"]}
    assert (lengths["entries"], lengths["alerts"], lengths["dead"]) == (3, 1, 0)
    assert status["latest_alerts"]
    assert [(f["failures"], f["entries_seen"]) for f in feeds] == [(0, 3)] and dead == []


async def test_a_cluster_node_without_cluster_true_is_refused_with_the_fix(
    tmp_path: Path, redis_cluster: RedisCluster
) -> None:
    path = pipeline_config(tmp_path, redis_cluster.url, "http://127.0.0.1:9/f", "http://x/")
    with pytest.raises(QueueError, match=r"Redis Cluster node: set redis.cluster: true"):
        await run_once(load_config(path))


def test_cluster_without_a_url_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("redis:\n  cluster: true\n")
    with pytest.raises(ConfigError, match=r"c.yaml:2:\d+: .*cluster: true needs a url"):
        load_config(path)


async def test_retries_budgets_and_digests_on_a_cluster(
    tmp_path: Path, cluster_client: aioredis.RedisCluster, redis_cluster: RedisCluster,
    http_server: Server,
) -> None:  # fmt: skip
    http_server.route("/hook", Route(responses=[(503, b"busy", {}), (200, b"ok", {})]))
    written = write_config(tmp_path, redis_cluster.url, {"hook": hook(http_server.url + "/hook")},
                           watch_extra="max_alerts_per_hour: 2")  # fmt: skip
    settings = load_config(with_cluster(written.path))
    await enqueue(cluster_client, [make_alert(n) for n in range(1, 6)])

    stats = await run_once(settings, roles=["notifier"])  # two sent (one after a retry)
    digest = await flush_and_deliver(settings, datetime.now(UTC) + timedelta(hours=1), http_server)

    assert (stats.delivered, stats.delivery_failures, stats.deferred) == (2, 1, 3)
    assert digest is not None and digest["count"] == 3
    direct = [i for i in received_ids(http_server) if i.startswith("alert-")]
    assert sorted(direct + [a["id"] for a in digest["alerts"]]) == [
        f"alert-{n:04d}" for n in range(1, 6)
    ]


async def test_dead_letters_are_listed_and_replayed_on_a_cluster(
    tmp_path: Path, cluster_client: aioredis.RedisCluster, redis_cluster: RedisCluster,
    http_server: Server,
) -> None:  # fmt: skip
    http_server.route("/hook", Route(status=410, body=b"gone"))
    written = write_config(tmp_path, redis_cluster.url, {"hook": hook(http_server.url + "/hook")})
    settings = load_config(with_cluster(written.path))
    await enqueue(cluster_client, [make_alert(1)])
    assert (await run_once(settings, roles=["notifier"])).dead_lettered == 1

    http_server.route("/hook", Route(status=200, body=b"ok"))  # the receiver is fixed
    assert (await cli(settings, "dlq", "replay", "--all")).exit_code == 0
    await run_once(settings, roles=["notifier"])

    assert received_ids(http_server) == ["alert-0001"]
    assert json.loads((await cli(settings, "dlq", "list", "--json")).output) == []
