"""Incremental bookkeeping across stages 1-6: fingerprints, the digest of everything read, the manifest and the build ledger."""
