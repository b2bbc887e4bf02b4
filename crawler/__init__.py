"""The Scrapy project: spiders, middlewares, pipelines and settings."""
