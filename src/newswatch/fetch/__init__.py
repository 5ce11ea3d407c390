"""Fetching feeds and pages over HTTP, safely."""

from newswatch.fetch.client import Fetcher, FetchLimits, Response, Validators
from newswatch.fetch.urls import canonical_url, host_of

__all__ = ["FetchLimits", "Fetcher", "Response", "Validators", "canonical_url", "host_of"]
