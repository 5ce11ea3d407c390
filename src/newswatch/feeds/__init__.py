"""Reading feeds: parsing bytes into entries, and remembering which entries were seen."""

from newswatch.feeds.parse import FeedItem, ParsedFeed, parse_feed

__all__ = ["FeedItem", "ParsedFeed", "parse_feed"]
