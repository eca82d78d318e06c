"""sitegen: build, check and publish a government website cluster from Markdown."""

__version__ = "0.1.0"
