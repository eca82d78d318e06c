"""Stage 1, config: sites.yaml and each _site.yaml read into a validated, typed Cluster."""
