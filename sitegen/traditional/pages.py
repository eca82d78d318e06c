"""The Traditional counterpart of every HTML page of a site, each one a job derived from its Simplified page's job."""
from __future__ import annotations

from collections.abc import Iterable

import opencc

from sitegen import urls
from sitegen.job import Job
from sitegen.traditional.convert import to_traditional
from sitegen.traditional.links import FOLDER, Addresses

KIND = "html:zh-hant"


def counterparts(site: urls.Site, sites: Iterable[urls.Site], made: list[Job]) -> list[Job]:
    """Return a job for the Traditional counterpart of every HTML page among `made` (site-relative jobs of `site`)."""
    addresses = Addresses(sites)
    return [counterpart(site, addresses, job) for job in made if job.kind == "html"]


def counterpart(site: urls.Site, addresses: Addresses, job: Job) -> Job:
    """Return the job converting one page: it shows what the Simplified page shows, so it has the same inputs."""
    here = urls.path(site, job.rel)

    def derive(html: bytes) -> bytes:
        return to_traditional(html.decode("utf-8"), lambda href: addresses.retarget(href, site.origin, here)).encode("utf-8")

    def make() -> bytes:
        html = job.make()
        assert isinstance(html, bytes)
        return derive(html)
    # the converter's dictionaries are an input too; the cluster's addresses are in every site key
    return Job(f"{FOLDER}/{job.rel}", (opencc.__version__, *job.inputs), make, KIND, template=job.template, owner=job.owner,
               base=job.make, derive=derive, together=job.together)
