"""sitegen serve: the preview server, the watcher and the rebuild loop with live reload."""
