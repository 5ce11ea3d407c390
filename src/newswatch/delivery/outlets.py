"""The outlets of an alert's story as known when it is sent (not when it was raised).

A story's copies keep arriving after its first alert; the notifier reads the story's outlets
from Redis at each attempt, so a first send, a digest sent hours later and a retry each carry
the list as it is then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from redis.asyncio import Redis

from newswatch.alerts import Alert, Delivery
from newswatch.stories import Outlet, Story, read_outlets


def alerts_of(delivery: Delivery) -> tuple[Alert, ...]:
    """The alerts a delivery sends: itself, or a digest's."""
    return (delivery,) if isinstance(delivery, Alert) else delivery.alerts


def refreshed(delivery: Delivery, known: Mapping[str, tuple[Outlet, ...]]) -> Delivery:
    """The delivery with each story's outlets replaced by ``known`` ones (kept when none are)."""

    def one(alert: Alert) -> Alert:
        story = alert.story
        if story is None or not known.get(story.id):
            return alert
        return replace(alert, story=Story(story.id, known[story.id]))

    if isinstance(delivery, Alert):
        return one(delivery)
    return replace(delivery, alerts=tuple(one(a) for a in delivery.alerts))


async def with_current_outlets(redis: Redis, delivery: Delivery) -> Delivery:
    """The delivery with its stories' outlets as Redis knows them now."""
    stories = [a.story.id for a in alerts_of(delivery) if a.story is not None]
    if not stories:
        return delivery
    return refreshed(delivery, await read_outlets(redis, stories))
