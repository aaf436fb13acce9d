"""The kind configs of the lab, shipped as package data (a package, so the wheel includes its *.yaml).

They are byte-for-byte copies of the repository's kind-configs/, where people read and edit them;
tests/lab/test_configs.py fails when the two differ.
"""
