"""A feed's ``article_tables`` reaches the extraction of its articles, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from newswatch.config import load_config
from newswatch.daemon.runner import run_once
from tests.support.http import Server
from tests.support.paths import PAGES
from tests.support.site import rss

STANDINGS = (PAGES / "standings.html").read_bytes()

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 2s, host_delay: 0s}}
feeds:
  - {{url: "{base}/tables.xml", name: Tables}}
  - {{url: "{base}/prose.xml", name: Prose, article_tables: false}}
watches:
  - {{id: barito, query: 'Barito AND Putera'}}
notifiers:
  hook: {{type: webhook, url: "{base}/hook"}}
"""


async def test_tables_are_matched_unless_the_feed_leaves_them_out(
    http_server: Server, redis_url_clean: str, tmp_path: Path
) -> None:
    base = http_server.url
    for name in ("tables", "prose"):
        link = f"{base}/{name}/matchday-18"
        item = {"title": "Liga 1 matchday 18", "link": link, "guid": link,
                "description": "Borneo stay top as Bali United slip at home."}  # fmt: skip
        http_server.route(f"/{name}.xml", body=rss([item], title=name))
        http_server.route(f"/{name}/matchday-18", body=STANDINGS)
    http_server.route("/hook", body=b"ok")
    config = tmp_path / "newswatch.yaml"
    config.write_text(CONFIG.format(redis=redis_url_clean, data=tmp_path / "data", base=base))

    stats = await run_once(load_config(config))

    assert stats.articles == 2 and stats.article_fallbacks == 0
    urls = [json.loads(p.body)["article"]["url"] for p in http_server.requests("/hook")]
    assert urls == [f"{base}/tables/matchday-18"]
