"""Raising alerts: once per (watch, story), and an update when the story changes materially.

Used by the worker for new articles and by ``newswatch backfill --deliver`` for archived ones,
so both follow the same one-alert-per-(watch, story) rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, update_id
from newswatch.constants import ALERT_SEEN_PREFIX, ALERT_SEEN_TTL_S, ALERTS_STREAM
from newswatch.observe import metrics
from newswatch.queue.streams import guard
from newswatch.story import TextVersion

log = logging.getLogger(__name__)

# The first alert of (watch, story) if there was none; else the update, if one is offered and
# this version of the story has not raised it yet. Returns 1 (first), 2 (update) or 0.
_PUBLISH_ALERT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[3], '*', 'data', ARGV[2])
  return 1
end
if ARGV[3] ~= '' and redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[3], '*', 'data', ARGV[3])
  return 2
end
return 0
"""


class Publisher:
    """Appends alerts to the ``alerts`` stream under the one-alert-per-(watch, story) rule."""

    def __init__(self, redis: Redis, stats: Any) -> None:
        self.stats = stats
        self._publish = redis.register_script(_PUBLISH_ALERT)

    async def publish(self, alert: Alert, changed: TextVersion | None = None) -> tuple[Alert, int]:
        """Append the alert to the stream unless this (watch, story) already alerted; with
        ``changed`` (a material change of the story), append an update of the first alert.
        Returns the alert this match stands for (the update when one was raised) and what was
        raised: 1 the alert, 2 the update, 0 nothing."""
        fingerprint = changed.fingerprint if changed else ""
        update = replace(alert, id=update_id(alert.id, fingerprint), update_of=alert.id)
        keys = [ALERT_SEEN_PREFIX + alert.id, ALERT_SEEN_PREFIX + update.id, ALERTS_STREAM]
        args: list[str | int] = [ALERT_SEEN_TTL_S, _body(alert), _body(update) if changed else ""]
        raised = int(await guard(self._publish(keys=keys, args=args)))
        if raised:
            self.stats.alerts += 1
            metrics.ALERTS.labels(alert.watch).inc()
        ids = {"alert": alert.id, "watch": alert.watch, "entry": alert.article.url}
        if raised == 1:
            log.info("alert %s: watch %s matched %s", alert.id, alert.watch, alert.article.url,
                     extra=ids)  # fmt: skip
        elif raised == 2:
            self.stats.updates += 1
            log.info("alert %s: update of %s (%s changed)", update.id, alert.id,
                     alert.article.url, extra={**ids, "alert": update.id})  # fmt: skip
            return update, raised
        return alert, raised


def _body(alert: Alert) -> str:
    return json.dumps(alert.to_message(), ensure_ascii=False, separators=(",", ":"))
