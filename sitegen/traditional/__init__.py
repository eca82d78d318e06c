"""Traditional Chinese (繁體) pages: every HTML page of a site converted phrase by phrase under `<site>/zh-hant/`."""
