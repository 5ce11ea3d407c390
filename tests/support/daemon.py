"""newswatch daemons as real processes: start one, stop it with a signal (killed if it hangs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO


def start_daemon(
    config: Path, *args: str, output: int | IO[bytes] = subprocess.PIPE, own_group: bool = False
) -> subprocess.Popen[bytes]:
    """``python -m newswatch run --config CONFIG ARGS...``; stderr joins stdout in ``output``.
    With ``own_group`` it leads a process group of its own, as a job started at a terminal."""
    return subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run", "--config", str(config), *args],
        stdout=output,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=own_group,
    )


def stop(
    daemon: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM, group: bool = False
) -> bytes:
    """Signal the daemon (its whole process group with ``group``, as a terminal does) and
    return its output once it exited (killed if it will not)."""
    return stop_all([daemon], sig, group)[0]


def stop_all(
    daemons: list[subprocess.Popen[bytes]],
    sig: signal.Signals = signal.SIGTERM,
    group: bool = False,
) -> list[bytes]:
    """Signal every daemon still running, then collect each one's output."""
    for daemon in daemons:
        if daemon.poll() is None:
            if group:
                os.killpg(daemon.pid, sig)
            else:
                daemon.send_signal(sig)
    outputs = []
    for daemon in daemons:
        try:
            outputs.append(daemon.communicate(timeout=30)[0] or b"")
        except subprocess.TimeoutExpired:
            daemon.kill()
            outputs.append(daemon.communicate()[0] or b"")
    return outputs


def ports_connected_to(pid: int, port: int) -> set[int]:
    """The local ports of the process's TCP (IPv4) sockets whose remote end is ``port``, read
    from /proc: which requests a process still had open, e.g. while it is stopped (SIGSTOP)."""
    fd_dir = Path(f"/proc/{pid}/fd")
    inodes = set()
    for fd in fd_dir.iterdir():
        try:
            target = str(fd.readlink())
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == port:
            ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports
