"""The audit catalogue: one folder per check, holding its metadata, its logic and its fixtures.

Installed as ``kubectl_arch.checks``; ``kubectl_arch.audit.registry`` discovers every folder here.
"""
