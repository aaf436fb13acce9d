"""The bundled sample clusters, as data: one folder per sample (see ``kubectl_arch.collect.sample_source``).

The ``samples`` command lives here too; loading and serving samples is collection's job.
"""
