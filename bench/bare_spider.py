"""The baseline for bench/crawl.py: a bare Scrapy spider over the same web.

It follows internal links with no capture, no database and no safety rules,
through the same proxy, so the ratio measures what mirrorhunt's capture costs.
Prints one JSON line of stats.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, hosts: list[str], proxy: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hosts = hosts
        self.proxy = proxy

    async def start(self):
        for host in self.hosts:
            yield scrapy.Request(f"http://{host}/", meta={"proxy": self.proxy})

    def parse(self, response):
        host = urlsplit(response.url).hostname
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).hostname == host:
                yield scrapy.Request(url, meta={"proxy": self.proxy})


def main() -> None:
    proxy, hosts_file, settings_json = sys.argv[1], sys.argv[2], sys.argv[3]
    hosts = Path(hosts_file).read_text().split()
    process = CrawlerProcess({**json.loads(settings_json), "LOG_LEVEL": "ERROR"})
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, hosts=hosts, proxy=proxy)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("response_received_count", 0),
                      "seconds": stats.get("elapsed_time_seconds", 0)}))


if __name__ == "__main__":
    main()
