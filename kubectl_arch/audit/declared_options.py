"""The command-line inputs the checks declare, in flag order: written by tools/render_check_options.py,
do not edit.

Read by kubectl_arch/audit/inputs.py: the audit command gets its flags without importing every check.
"""

from kubectl_arch.audit.check import CheckOption, OptionKind

OPTIONS = (
    CheckOption(
        name='pki-dir',
        help='Read certificates from this folder (on a control-plane node: /etc/kubernetes/pki).',
        kind=OptionKind.DIR,
        metavar='DIR',
        example='',
    ),
    CheckOption(
        name='etcd-endpoints',
        help='etcd client URLs, comma-separated, as etcdctl takes them.',
        kind=OptionKind.URLS,
        metavar='URLS',
        example='https://10.0.0.10:2379',
    ),
    CheckOption(
        name='etcd-cacert',
        help='CA bundle verifying etcd.',
        kind=OptionKind.FILE,
        metavar='FILE',
        example='',
    ),
    CheckOption(
        name='etcd-cert',
        help='Client certificate for etcd.',
        kind=OptionKind.FILE,
        metavar='FILE',
        example='',
    ),
    CheckOption(
        name='etcd-key',
        help='Client key for etcd (used by TLS only, never printed).',
        kind=OptionKind.FILE,
        metavar='FILE',
        example='',
    ),
)
