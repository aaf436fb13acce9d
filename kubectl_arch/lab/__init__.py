"""``kubectl arch lab``: kind clusters to learn on, in the topologies kubectl-arch teaches.

The lab only ever runs the ``kind`` and ``docker`` command-line tools; it never talks to a cluster itself.
Its configs are the repository's ``kind-configs/``, where people read them, shipped as the package data
``kubectl_arch.lab.configs`` (see setup.py).
"""
