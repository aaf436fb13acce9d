"""`kubectl arch rbac`: the read-only role derived from the needs catalogue."""
