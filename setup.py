"""Package layout: the audit catalogue lives in the top-level ``checks/`` folder but ships as
``kubectl_arch.checks``, so a check is one folder in the repository and never a top-level import.
The lab's kind configs live in the top-level ``kind-configs/``, where people read them, and ship as
``kubectl_arch.lab.configs``: one copy of each file.

Data folders (samples, check fixtures, lab configs) are found as namespace packages, as setuptools
recommends, so their files ship in the wheel through ``package-data``.
"""

from setuptools import find_namespace_packages, setup

SKIP = ["*__pycache__*"]
package = find_namespace_packages(include=["kubectl_arch", "kubectl_arch.*"], exclude=SKIP)
catalogue = ["kubectl_arch.checks"] + [
    f"kubectl_arch.checks.{name}" for name in find_namespace_packages("checks", exclude=SKIP)
]

LAB_CONFIGS = "kubectl_arch.lab.configs"

setup(
    packages=package + catalogue + [LAB_CONFIGS],
    package_dir={"kubectl_arch": "kubectl_arch", "kubectl_arch.checks": "checks", LAB_CONFIGS: "kind-configs"},
)
