"""Package layout: the audit catalogue lives in the top-level ``checks/`` folder but ships as
``kubectl_arch.checks``, so a check is one folder in the repository and never a top-level import."""

from setuptools import find_packages, setup

catalogue = ["kubectl_arch.checks"] + [f"kubectl_arch.checks.{name}" for name in find_packages("checks")]

setup(
    packages=find_packages(include=["kubectl_arch", "kubectl_arch.*"]) + catalogue,
    package_dir={"kubectl_arch": "kubectl_arch", "kubectl_arch.checks": "checks"},
)
