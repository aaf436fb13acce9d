"""kubectl-arch: shows how a Kubernetes cluster is built, audits what keeps it alive, explains what it finds."""

__version__ = "0.1.0"
