"""Stage 6, index: Pagefind search indexes over the written HTML."""
