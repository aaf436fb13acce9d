"""The audit: runs the check catalogue (``kubectl_arch.checks``) over collected data and reports."""
