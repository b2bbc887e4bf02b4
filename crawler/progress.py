"""A live progress line on a terminal: sites, pages, queue, errors.

Enabled by MIRRORHUNT_PROGRESS (the CLI turns it on when stderr is a TTY),
so logs and CI output stay clean.
"""

from __future__ import annotations

from typing import Self

from rich.console import Console
from rich.live import Live
from rich.text import Text
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


def progress_text(stats: dict) -> Text:
    sites = sum(1 for key in stats if key.startswith("mirrorhunt/site/"))
    pages = stats.get("mirrorhunt/captures", 0)
    errors = stats.get("mirrorhunt/errors", 0)
    queued = stats.get("mirrorhunt/queued", 0)
    queue = max(0, queued - pages - errors)
    return Text.assemble(
        ("crawling ", "bold"),
        f"sites {sites}  pages {pages}  queue {queue}  ",
        ("errors ", "red" if errors else ""),
        str(errors),
    )


class ProgressDisplay:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.live = Live(Text(""), console=Console(stderr=True), refresh_per_second=4)
        self.loop = task.LoopingCall(self.refresh)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("MIRRORHUNT_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def refresh(self) -> None:
        self.live.update(progress_text(self.crawler.stats.get_stats()))

    def opened(self) -> None:
        self.live.start()
        self.loop.start(0.5)

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.refresh()
        self.live.stop()
