"""Pure parsers: bytes in, records out. No network, no database."""
