"""Incremental bookkeeping: fingerprints, the digest of everything read, the manifest and the build ledger."""
