"""The cluster model: pure functions turning raw API responses (``ClusterData``) into typed facts.

Explain renders these facts and audit checks judge them, so both read the cluster the same way.
Nothing here does I/O or reads the clock: ages are measured against ``data.now``.
"""
