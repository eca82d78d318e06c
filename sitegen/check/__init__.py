"""sitegen check: the national website inspection (网站监测) on the sources and on a build of them."""
