"""Stage 2, load: content files into pages with the publishing profile applied once; their Markdown is converted at stage 4."""
