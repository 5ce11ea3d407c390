"""Delivery machinery around the notifiers: retries, dead letters, digests and alert budgets.

Pure arithmetic (``backoff``, ``timing``) is kept apart from the Redis stores (``retries``,
``deadletters``, ``digests``, ``budget``) and from the process that drives them (``pump``).
"""
