"""testweb: a hermetic local web for mirrorhunt's tests, demo and benchmarks.

A forward HTTP proxy on 127.0.0.1 serves many virtual sites by host name:
generated piracy-like services and their mirrors/clones, innocent look-alikes,
and hostile sites.  See docs/testweb.md.
"""

from testweb.cases import Case, CaseError, load_case
from testweb.catalog import Service
from testweb.generator import Branding, GeneratedSite, generate_bench_web
from testweb.hostile import HOSTILE_SITES
from testweb.server import TestWeb
from testweb.sites import RedirectSite, Request, Response, Site
from testweb.variants import ChallengeSite, DefaultPageSite, NewsSite, ParkedSite, ProxySite

__all__ = [
    "HOSTILE_SITES",
    "Branding",
    "Case",
    "CaseError",
    "ChallengeSite",
    "DefaultPageSite",
    "GeneratedSite",
    "NewsSite",
    "ParkedSite",
    "ProxySite",
    "RedirectSite",
    "Request",
    "Response",
    "Service",
    "Site",
    "TestWeb",
    "generate_bench_web",
    "load_case",
]
