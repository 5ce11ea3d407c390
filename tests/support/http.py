"""A real HTTP server on 127.0.0.1 in a background thread, for feeds, pages and webhooks.

Routes are set per path; every request is recorded (method, path, headers, body, status
answered) so tests can assert on what a client really sent. The server speaks HTTP/1.0
(one request per connection), which keeps shutdown clean: no idle keep-alive connections
are left open when a test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any, TypeVar
from urllib.parse import urlsplit

Answer = tuple[int, bytes, dict[str, str]]
T = TypeVar("T")


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    """Sleep this long before answering (to provoke client timeouts)."""
    conditional: bool = True
    """Answer 304 when If-None-Match matches ETag or If-Modified-Since is not older."""
    responses: list[Answer] | None = None
    """(status, body, headers) consumed one per request; the last one repeats."""
    delays_s: list[float] | None = None
    """Per request, like ``responses`` (the last one repeats): the wait before answering,
    instead of ``delay_s`` (e.g. quick 503s, then slow successes)."""
    release: threading.Event | None = None
    """Hold every answer until this event is set (or the server closes)."""


@dataclass
class Request:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = field(default_factory=time.monotonic)
    """When it arrived (``time.monotonic``)."""
    client_port: int = 0
    """The port the request came from: which client connection sent it."""


class _RouteState:
    def __init__(self, route: Route) -> None:
        self.route = route
        self.served = 0

    def next_answer(self) -> tuple[Answer, float]:
        """The answer to the next request and how long to wait before giving it."""
        route, n = self.route, self.served
        self.served += 1
        delay_s = _nth(route.delays_s, n) if route.delays_s else route.delay_s
        if not route.responses:
            return (route.status, route.body, dict(route.headers)), delay_s
        status, body, headers = _nth(route.responses, n)
        return (status, body, {**route.headers, **headers}), delay_s


def _nth(sequence: list[T], n: int) -> T:
    """Item ``n``, the last one repeating."""
    return sequence[min(n, len(sequence) - 1)]


def _not_modified(request_headers: dict[str, str], answer_headers: dict[str, str]) -> bool:
    answer = {k.lower(): v for k, v in answer_headers.items()}
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        etag = answer.get("etag")
        if etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since, last_modified = request_headers.get("if-modified-since"), answer.get("last-modified")
    if since is None or last_modified is None:
        return False
    if since == last_modified:
        return True
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def _serve(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        owner = self.server.owner
        status, payload, answer_headers, delay_s, release = owner._answer(self.path, headers)
        owner._record(Request(self.command, self.path, headers, body, status,
                              client_port=self.client_address[1]))  # fmt: skip
        with owner._answering():  # left before replying: the client cannot be done sooner
            if delay_s and owner._closing.wait(delay_s):
                return
            if release is not None and not owner._held(release):
                return
        self._reply(status, payload, answer_headers)

    def _reply(self, status: int, payload: bytes, answer_headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in answer_headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and status != 304:
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on recorded requests, not on the log."""


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: Server, host: str) -> None:
        self.owner = owner
        super().__init__((host, 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Track handler threads ourselves (daemon threads are not joined by server_close).
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        self.owner._track(thread)
        thread.start()

    def handle_error(self, request: socket | tuple[bytes, socket], client_address: Any) -> None:
        """A client that gave up (timeout tests) is expected; stay quiet."""


class Server:
    """A threaded HTTP server on 127.0.0.1:<free port> (or another loopback ``host``); routes
    are set by tests."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, _RouteState] = {}
        self._requests: list[Request] = []
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()
        self.answering = 0
        """Requests received and not yet being answered."""
        self.most_answering = 0
        """The most requests ever received and not yet being answered at one time."""
        self._httpd = _HttpServer(self, host)
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def route(self, path: str, route: Route | None = None, **kw: Any) -> None:
        """Set (or replace) what ``path`` answers: a Route, or Route's fields as keywords."""
        if route is None:
            route = Route(**kw)
        elif kw:
            route = dataclasses.replace(route, **kw)
        with self._lock:
            self._routes[path] = _RouteState(route)

    def requests(self, path: str | None = None) -> list[Request]:
        """Recorded requests, oldest first; only those to ``path`` (with or without query)."""
        with self._lock:
            recorded = list(self._requests)
        if path is None:
            return recorded
        return [r for r in recorded if r.path == path or urlsplit(r.path).path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 10.0) -> list[Request]:
        """Block until ``count`` requests (to ``path``) are recorded; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while len(found := self.requests(path)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} requests to {path or '*'}, got {found}")
            time.sleep(0.01)
        return found

    async def wait_for_async(
        self,
        count: int,
        path: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 (a polling deadline, same signature as wait_for)
    ) -> list[Request]:
        """``wait_for`` that lets the event loop run (for clients in the same loop)."""
        deadline = time.monotonic() + timeout
        while len(found := self.requests(path)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} requests to {path or '*'}, got {found}")
            await asyncio.sleep(0.01)
        return found

    def clear(self) -> None:
        """Forget recorded requests and restart every response sequence."""
        with self._lock:
            self._requests.clear()
            for state in self._routes.values():
                state.served = 0

    def close(self) -> None:
        """Stop serving, wake delayed handlers, close the socket and join every thread."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(
        self, target: str, headers: dict[str, str]
    ) -> tuple[int, bytes, dict[str, str], float, threading.Event | None]:
        with self._lock:
            state = self._routes.get(target) or self._routes.get(urlsplit(target).path)
            if state is None:
                return 404, b"not found", {"Content-Type": "text/plain"}, 0.0, None
            (status, body, answer_headers), delay_s = state.next_answer()
        route = state.route
        if route.conditional and status == 200 and _not_modified(headers, answer_headers):
            status, body = 304, b""
        return status, body, answer_headers, delay_s, route.release

    @contextlib.contextmanager
    def _answering(self) -> Iterator[None]:
        with self._lock:
            self.answering += 1
            self.most_answering = max(self.most_answering, self.answering)
        try:
            yield
        finally:
            with self._lock:
                self.answering -= 1

    def _held(self, release: threading.Event) -> bool:
        """Wait for ``release``; False when the server closes first."""
        while not release.wait(0.05):
            if self._closing.is_set():
                return False
        return True

    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    def _track(self, thread: threading.Thread) -> None:
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
