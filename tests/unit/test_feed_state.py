from dataclasses import replace

from newswatch.feeds.state import FeedState, decode_state, encode_changes, encode_state
from newswatch.schedule.timing import SILENT_MIN_S


def test_state_round_trips_through_its_hash_and_flat_form() -> None:
    state = FeedState(url="http://e/rss", etag='"x"', failures=3, interval=123.456, avg_gap=0.1)
    encoded = encode_state(state)
    assert decode_state(encoded) == state
    flat = [x for pair in encoded.items() for x in pair]
    assert decode_state(flat) == state


def test_unknown_and_corrupt_fields_fall_back_to_defaults() -> None:
    state = decode_state({"failures": "many", "interval": "60", "from_the_future": "1"})
    assert state.failures == 0 and state.interval == 60.0


def test_status() -> None:
    now = 1e6
    assert FeedState().status(now) == "new"
    assert FeedState(last_attempt=now, failures=2).status(now) == "failing"
    ok = FeedState(last_attempt=now, last_success=now, avg_gap=600.0, last_new=now - 3600)
    assert ok.status(now) == "ok"
    quiet = FeedState(
        last_attempt=now, last_success=now, avg_gap=600.0, last_new=now - SILENT_MIN_S - 1
    )
    assert quiet.status(now) == "silent"


def test_source_url_prefers_where_the_feed_was_found_to_live() -> None:
    assert FeedState(url="http://a/").source_url == "http://a/"
    assert FeedState(url="http://a/", fetch_url="http://b/").source_url == "http://b/"


def test_only_changed_fields_are_written_back() -> None:
    before = FeedState(url="http://e/rss", etag='"x"', interval=60.0, last_attempt=1.0)
    after = FeedState(url="http://e/rss", etag='"x"', interval=90.0, last_attempt=2.5)
    assert encode_changes(before, after) == {"interval": "90.0", "last_attempt": "2.5"}
    assert encode_changes(after, after) == {}
    stored = {**encode_state(before), **encode_changes(before, after)}
    assert decode_state(stored) == after


def test_a_corrupt_field_is_written_again_by_the_next_poll() -> None:
    """It reads as its default; the poll's changes include it even when the value stays the
    default, so the stored hash heals."""
    before = decode_state({"failures": "many", "url": "http://e/rss", "next_poll": "1.0"})
    assert before.failures == 0 and before.corrupt == frozenset({"failures"})
    after = replace(before, next_poll=2.0)
    assert encode_changes(before, after) == {"failures": "0", "next_poll": "2.0"}
    assert decode_state(encode_state(after)).corrupt == frozenset()
    assert "corrupt" not in encode_state(after)
