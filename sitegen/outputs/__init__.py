"""Stage 4, render: every output a site gets, declared in one registry (pages, feeds, sitemaps, static files)."""
