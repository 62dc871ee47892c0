"""The raw archive: content-addressed bytes plus a manifest of provenance."""
