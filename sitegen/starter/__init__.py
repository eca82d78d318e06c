"""sitegen init: a new cluster (sites.yaml, sample pages, .gitignore) that builds and passes sitegen check at once."""
