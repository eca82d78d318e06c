"""Stage 2, load: content files parsed into pages, the publishing profile applied once, Markdown converted."""
