"""Observability: Prometheus metrics, /metrics and /healthz, structured logs."""
