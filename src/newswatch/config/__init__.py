"""The config file: models, loading with located errors, and the resolved settings."""

from newswatch.config.load import Feed, Settings, feed_id, load_config
from newswatch.config.model import Config

__all__ = ["Config", "Feed", "Settings", "feed_id", "load_config"]
