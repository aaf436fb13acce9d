"""`kubectl arch snapshot`: record what the commands read (the format and its sources live in collect.snapshot)."""
