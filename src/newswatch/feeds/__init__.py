"""Reading feeds: parsing bytes into entries, and remembering which entries were seen."""

from newswatch.feeds.items import FeedItem, ParsedFeed
from newswatch.feeds.parse import parse_feed

__all__ = ["FeedItem", "ParsedFeed", "parse_feed"]
