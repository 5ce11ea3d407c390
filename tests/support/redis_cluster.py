"""A real Redis Cluster of three masters on loopback ports, in a temporary folder.

``redis-server --cluster-enabled yes`` three times, joined by ``redis-cli --cluster create
--cluster-replicas 0``; ``stop`` terminates them. The ports come from ``PORTS`` (each node also
listens on its port + 10000 for the cluster bus).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import redis

PORTS = range(7100, 7200)
MASTERS = 3


def cluster_binaries() -> tuple[str, str] | None:
    """redis-server and redis-cli from PATH, or None when either is missing."""
    server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
    return (server, cli) if server and cli else None


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int, candidates: Iterable[int] = PORTS) -> list[int]:
    """``count`` ports of ``candidates`` that are free, with their cluster-bus ports."""
    found = [p for p in candidates if _free(p) and _free(p + 10_000)][:count]
    if len(found) < count:
        raise AssertionError(f"fewer than {count} free ports in {candidates}")
    return found


class RedisCluster:
    """Three cluster-enabled masters on 127.0.0.1 covering every slot."""

    def __init__(self, data: Path) -> None:
        binaries = cluster_binaries()
        if binaries is None:
            raise AssertionError("redis-server and redis-cli are needed on PATH")
        self.server, self.cli = binaries
        self.data = data
        self.ports = free_ports(MASTERS)
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """The URL of one node (a cluster client finds the others)."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def start(self, timeout_s: float = 30.0) -> None:
        """Start the nodes, join them into a cluster and wait until it serves every slot."""
        for port in self.ports:
            folder = self.data / str(port)
            folder.mkdir(parents=True, exist_ok=True)
            self.processes.append(subprocess.Popen(
                [self.server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                 "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                 "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))  # fmt: skip
        deadline = time.monotonic() + timeout_s
        for port in self.ports:
            self._wait(deadline, lambda port=port: self._ping(port))
        nodes = [f"127.0.0.1:{p}" for p in self.ports]
        subprocess.run(
            [self.cli, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
            check=True, capture_output=True, timeout=timeout_s,
        )  # fmt: skip
        for port in self.ports:
            self._wait(deadline, lambda port=port: self._serves_every_slot(port))

    def stop(self) -> None:
        """Terminate every node."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

    def flush(self) -> None:
        """Empty every node."""
        for port in self.ports:
            with contextlib.closing(redis.Redis(port=port)) as client:
                client.flushall()

    @staticmethod
    def _wait(deadline: float, ready: Callable[[], bool]) -> None:
        while not ready():
            if time.monotonic() > deadline:
                raise AssertionError("the Redis Cluster did not come up")
            time.sleep(0.05)

    @staticmethod
    def _ping(port: int) -> bool:
        with contextlib.closing(redis.Redis(port=port)) as client:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

    @staticmethod
    def _serves_every_slot(port: int) -> bool:
        with contextlib.closing(redis.Redis(port=port, decode_responses=True)) as client:
            info = str(client.execute_command("CLUSTER", "INFO"))
        return "cluster_state:ok" in info and "cluster_slots_ok:16384" in info
