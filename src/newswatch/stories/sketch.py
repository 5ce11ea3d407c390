"""Sketching an article's text for near-duplicate detection (pure).

The text's words (``newswatch.story.words``: NFKC, case-folded) are taken three at a time
(shingles); each shingle is hashed to 64 bits and a MinHash signature keeps, for each of
``HASHES`` hash functions, the smallest value among the shingles. The share of positions where
two signatures agree estimates the Jaccard similarity of the two shingle sets. All hash
functions are computed at once as vectorised integer arithmetic (multiply-add-shift over
uint64, wrapping), which keeps a sketch to a few hundred microseconds.

For lookup the signature is cut into ``BANDS`` bands of ``ROWS`` values; two texts whose
signatures agree on every value of any one band are candidates (locality-sensitive hashing).
A pair at similarity ``s`` becomes a candidate with probability ``1 - (1 - s**ROWS)**BANDS``:
0.73 at 0.4, 0.93 at 0.5, 0.99 at 0.6, while unrelated texts (s near 0) practically never do.
Candidates are verified on the stored signatures (``compact``: 16 bits a value).
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newswatch.story import words

SHINGLE = 3
HASHES = 128
BANDS = 20
ROWS = 3
MIN_WORDS = 25
"""Shorter texts (a headline, a one-line summary) are too thin to tell stories apart: each
is a story of its own."""

_SEED = np.random.default_rng(20261204)
_MIX = _SEED.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_A = _SEED.integers(1, 2**63, size=HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _SEED.integers(0, 2**63, size=HASHES, dtype=np.uint64)
_BAND_MIX = _SEED.integers(1, 2**63, size=ROWS + 1, dtype=np.uint64) * np.uint64(2) + 1
_SHIFT = np.uint64(32)

Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class Sketch:
    """A text's MinHash signature (``HASHES`` uint32 values)."""

    signature: Signature

    def bands(self) -> list[bytes]:
        """The ``BANDS`` lookup keys: 8 bytes each, a hash of the band's number and values."""
        values = self.signature[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
        with np.errstate(over="ignore"):
            mixed = (values * _BAND_MIX[:ROWS]).sum(axis=1, dtype=np.uint64)
            mixed += np.arange(BANDS, dtype=np.uint64) * _BAND_MIX[ROWS]
        raw = mixed.astype("<u8").tobytes()
        return [raw[i : i + 8] for i in range(0, len(raw), 8)]

    def compact(self) -> bytes:
        """The signature as stored for verification: the low 16 bits of each value."""
        return (self.signature & 0xFFFF).astype("<u2").tobytes()


def shingles(text: str) -> npt.NDArray[np.uint64]:
    """The distinct 64-bit hashes of the text's word triples (empty when it has fewer words)."""
    tokens = words(text)
    if len(tokens) < SHINGLE:
        return np.empty(0, dtype=np.uint64)
    hashed = np.fromiter((zlib.crc32(t.encode()) for t in tokens), np.uint64, len(tokens))
    n = len(tokens) - SHINGLE + 1
    with np.errstate(over="ignore"):
        combined = sum(hashed[i : i + n] * _MIX[i] for i in range(SHINGLE))
    return np.unique(np.asarray(combined, dtype=np.uint64))


def sketch(text: str) -> Sketch | None:
    """The text's sketch, or None when it has fewer than ``MIN_WORDS`` words."""
    if len(words(text)) < MIN_WORDS:
        return None
    values = shingles(text)
    with np.errstate(over="ignore"):
        hashed = (values[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT
    return Sketch(hashed.min(axis=0).astype(np.uint32))


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two texts from their compact signatures."""
    left = np.frombuffer(a, dtype="<u2")
    right = np.frombuffer(b, dtype="<u2")
    if len(left) != len(right) or not len(left):
        return 0.0
    return float(np.count_nonzero(left == right)) / len(left)


def story_id(canonical_url: str) -> str:
    """A story's id: derived from the canonical URL of its first article (stable)."""
    return hashlib.sha256(f"story\n{canonical_url}".encode()).hexdigest()[:16]
