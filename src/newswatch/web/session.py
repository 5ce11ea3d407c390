"""Browser sessions and CSRF tokens, signed with a key no browser sees (pure).

A session cookie is ``NONCE.MAC``: a random nonce and its HMAC under the key, so only this
server can have made it. With ``http.token`` set the key is derived from the token: a valid
cookie proves its holder gave the token (at ``/login``, or with ``?token=``), every process
serving the same config accepts it, and changing the token ends every session. Without a
token the key is a secret of this process (cookies then last until it restarts): the session
only anchors CSRF tokens.

The CSRF token of a session is another HMAC of its nonce: a form carries it, and a POST whose
form does not carry its session's token is refused. A page on another site can neither read
it nor make it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

COOKIE = "newswatch_session"
MAX_AGE_S = 7 * 24 * 3600
"""How long a browser keeps a session cookie."""
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Sessions:
    """Makes and checks session cookies and their CSRF tokens."""

    key: bytes

    def issue(self) -> str:
        """A new session cookie value."""
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._mac('session', nonce)}"

    def nonce(self, cookie: str | None) -> str | None:
        """The nonce of a cookie this server made, else None."""
        nonce, dot, mac = (cookie or "").partition(".")
        if not dot or not nonce or not _same(mac, self._mac("session", nonce)):
            return None
        return nonce

    def csrf(self, nonce: str) -> str:
        """The CSRF token of the session ``nonce``."""
        return self._mac("csrf", nonce)

    def csrf_matches(self, nonce: str | None, given: str | None) -> bool:
        """Whether ``given`` is the CSRF token of the session ``nonce``."""
        return nonce is not None and given is not None and _same(given, self.csrf(nonce))

    def _mac(self, purpose: str, nonce: str) -> str:
        message = f"{purpose}:{nonce}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()


def sessions_for(token: str | None) -> Sessions:
    """Sessions keyed by the token (shared by processes), or by a secret of this process."""
    if token is None:
        return Sessions(secrets.token_bytes(32))
    key = hmac.new(token.encode(), b"newswatch web sessions", hashlib.sha256).digest()
    return Sessions(key)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))
