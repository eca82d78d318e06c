"""Start a preview: build once, serve every host, watch the sources and rebuild on every save."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sitegen.build import BuildOptions, chosen_sites
from sitegen.config.model import Cluster, Site
from sitegen.outputs.theme import shipped_themes
from sitegen.serve import server, watch


@dataclass
class Preview:
    """A running preview: where each site is served, and the watcher to stop."""

    addresses: list[tuple[str, Site]]  # (URL of the site's home in the preview, site), portal host first
    watcher: watch.Watcher

    def stop(self) -> None:
        self.watcher.stop()


def start(cluster: Cluster, options: BuildOptions, bind: str, port: int, say: Callable[[str, bool], None],
          follow_clock: bool) -> Preview:
    """Build into options.out, serve it on `bind` from `port` on, and rebuild whenever a source changes."""
    chosen_sites(cluster, options.sites)  # an unknown --site fails before anything starts
    live = server.LiveReload()
    clock = (lambda: datetime.now(cluster.tz)) if follow_clock else None
    session = watch.Session(options, live, say, clock)
    session.rebuild(cluster=cluster)  # later rebuilds read sites.yaml again: it may have changed
    addresses = []
    for host, running in server.start(cluster, options.out, bind, port, live):
        address = f"http://{bind}:{running.server_address[1]}"
        addresses += [(f"{address}{site.prefix}", site) for site in sorted(host.sites, key=lambda s: s.prefix)
                      if not options.sites or site.id in options.sites]
    watcher = watch.Watcher(session, watch.read_elsewhere(cluster), shipped_themes(cluster))
    watcher.start()
    return Preview(addresses, watcher)
