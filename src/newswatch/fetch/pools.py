"""One small httpx connection pool per host.

httpcore's pool does work proportional to its connections times its waiting requests for every
request it starts or finishes, so one pool shared by thousands of hosts turns quadratic at
scale (most of the CPU of a 10,000-feed poll). A pool per host holds at most ``per_host``
connections (HostGate admits no more requests than that), keeping that work constant. Pools
share one TLS context; idle pools beyond ``keep`` are closed, least recently used first.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import httpx

KEEP_IDLE_POOLS = 512


@dataclass
class _Pool:
    client: httpx.AsyncClient
    active: int = 0


class HostPools:
    """httpx clients by host; ``acquire``/``release`` around each request."""

    def __init__(
        self,
        make: Callable[[ssl.SSLContext], httpx.AsyncClient],
        keep: int = KEEP_IDLE_POOLS,
    ) -> None:
        self._make = make
        self._keep = keep
        self._tls = ssl.create_default_context()
        self._pools: OrderedDict[str, _Pool] = OrderedDict()

    async def acquire(self, host: str) -> httpx.AsyncClient:
        """The client for ``host``, marked in use."""
        pool = self._pools.get(host)
        if pool is None:
            await self._trim()
            pool = self._pools[host] = _Pool(self._make(self._tls))
        self._pools.move_to_end(host)
        pool.active += 1
        return pool.client

    def release(self, host: str) -> None:
        """Mark one use of ``host``'s client finished."""
        pool = self._pools.get(host)
        if pool is not None:
            pool.active -= 1

    async def aclose(self) -> None:
        """Close every pool."""
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.client.aclose()

    def __len__(self) -> int:
        return len(self._pools)

    async def _trim(self) -> None:
        if len(self._pools) < self._keep:
            return
        idle = [host for host, pool in self._pools.items() if pool.active == 0]
        for host in idle[: len(self._pools) - self._keep + 1]:
            await self._pools.pop(host).client.aclose()
