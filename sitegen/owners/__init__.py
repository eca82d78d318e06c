"""Who may change what: a CODEOWNERS file for the Git host and a check of every commit in a range."""
