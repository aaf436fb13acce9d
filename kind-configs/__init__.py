"""The lab's kind configs, shipped as ``kubectl_arch.lab.configs`` (setup.py maps this folder there).

A package, like ``checks/``, so that an editable install finds it too; ``kubectl arch lab`` reads the
YAML files through importlib.resources wherever the package is installed.
"""
