"""newswatch: a news monitor that polls feeds, matches watchlists and delivers alerts."""

__version__ = "0.1.0"
