"""Collection: every byte kubectl-arch reads from a cluster passes through a ``Source``.

``kube.KubeSource`` reads a live cluster (with ``kubeconfig``, the only modules that import the kubernetes client),
``snapshot.SnapshotSource`` replays a recorded snapshot, and ``kubectl_arch.samples`` serves bundled
sample clusters. Analysis code receives the same raw responses from each and cannot tell them apart.
"""
