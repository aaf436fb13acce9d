"""Package layout: the audit catalogue lives in the top-level ``checks/`` folder but ships as
``kubectl_arch.checks``, so a check is one folder in the repository and never a top-level import.

Data folders (samples, check fixtures, lab configs) are found as namespace packages, as setuptools
recommends, so their files ship in the wheel through ``package-data``.
"""

from setuptools import find_namespace_packages, setup

SKIP = ["*__pycache__*"]
package = find_namespace_packages(include=["kubectl_arch", "kubectl_arch.*"], exclude=SKIP)
catalogue = ["kubectl_arch.checks"] + [
    f"kubectl_arch.checks.{name}" for name in find_namespace_packages("checks", exclude=SKIP)
]

setup(
    packages=package + catalogue,
    package_dir={"kubectl_arch": "kubectl_arch", "kubectl_arch.checks": "checks"},
)
