"""Stage 5, write: make the stale outputs on all cores and put them in place through the one publisher."""
