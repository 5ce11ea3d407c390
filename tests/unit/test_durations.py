import pytest

from newswatch.config.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), ("250ms", 0.25),
     ("90", 90), (45, 45), (1.5, 1.5)],
)  # fmt: skip
def test_parses_durations(text: object, seconds: float) -> None:
    parsed = parse_duration(text)
    assert parsed == seconds


@pytest.mark.parametrize("bad", ["5 minutes", "m5", "", "1x", True, None, "-5s", -1])
def test_rejects_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


def test_formats_durations_round_trip() -> None:
    shown = [format_duration(s) for s in (300, 5400)]
    assert shown == ["5m", "1h30m"]
    round_trip = parse_duration(format_duration(93784))
    assert round_trip == 93784
