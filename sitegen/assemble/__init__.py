"""Stage 3, assemble: columns, tags, neighbours and cross-site aggregations, before anything renders."""
