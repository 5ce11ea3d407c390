"""Stories: copies of the same news from several outlets recognised as one story.

``sketch`` turns an article's text into a MinHash signature (pure); ``index`` keeps the
signatures of one window in Redis, shared by every worker, and assigns each new article to
the story it is a copy of, or to a new one; ``model`` is the story as alerts carry it.
"""

from newswatch.stories.index import StoryIndex, read_outlets
from newswatch.stories.model import Outlet, Story
from newswatch.stories.sketch import Sketch, sketch, story_id

__all__ = ["Outlet", "Sketch", "Story", "StoryIndex", "read_outlets", "sketch", "story_id"]
