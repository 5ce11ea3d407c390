"""When feeds are polled: pure timing, and the shared schedule in Redis."""
