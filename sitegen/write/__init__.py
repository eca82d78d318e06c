"""Stages 4-5: make the stale outputs on all cores, staged beside their targets, then put them in place through the one publisher."""
