"""`kubectl arch --help` as click renders it: written by tools/render_top_help.py, do not edit.

Read by kubectl_arch/cli/entry.py so that the top-level help needs no click import; other widths go to click.
"""

WIDE_FROM = 109  # from this many columns on, the text no longer changes
TEXT_BY_COLUMNS = {
    80: (
        'Usage: kubectl arch [OPTIONS] COMMAND [ARGS]...\n'
        '\n'
        '  Show how your Kubernetes cluster is built, audit what keeps it alive, and\n'
        '  explain what it finds.\n'
        '\n'
        '  Read-only: kubectl-arch only ever sends GET (and watch) requests. Try it\n'
        '  without a cluster: `kubectl arch explain --sample kind-ha`.\n'
        '\n'
        'Options:\n'
        '  -v, --verbose  Show details (tracebacks, requests) when something fails.\n'
        '  --version      Show the version and exit.\n'
        '  -h, --help     Show this message and exit.\n'
        '\n'
        'Commands:\n'
        '  explain     Map every component of the cluster and teach what each does.\n'
        '  audit       Run the checks that decide whether the cluster survives.\n'
        "  trace       Rebuild a pod's creation path, timed, and say where it is stuck.\n"
        '  snapshot    Record what explain, audit and trace read, for offline use.\n'
        '  samples     List the bundled sample clusters.\n'
        '  rbac        Print the minimal read-only ClusterRole kubectl-arch needs.\n'
        '  lab         Build a kind cluster to learn on (needs Docker and kind).\n'
        '  version     Print the kubectl-arch version.\n'
        '  completion  Print a shell completion script (bash, zsh, fish).\n'
        '\n'
        '  Exit codes: 0 ok, 1 audit findings at or above --fail-on, 2 usage error or\n'
        '  bad input file, 3 the cluster could not be read, 4 the named object does not\n'
        '  exist, 130 interrupted.\n'
    ),
    109: (
        'Usage: kubectl arch [OPTIONS] COMMAND [ARGS]...\n'
        '\n'
        '  Show how your Kubernetes cluster is built, audit what keeps it alive, and explain what it finds.\n'
        '\n'
        '  Read-only: kubectl-arch only ever sends GET (and watch) requests. Try it without a cluster: `kubectl arch\n'
        '  explain --sample kind-ha`.\n'
        '\n'
        'Options:\n'
        '  -v, --verbose  Show details (tracebacks, requests) when something fails.\n'
        '  --version      Show the version and exit.\n'
        '  -h, --help     Show this message and exit.\n'
        '\n'
        'Commands:\n'
        '  explain     Map every component of the cluster and teach what each does.\n'
        '  audit       Run the checks that decide whether the cluster survives.\n'
        "  trace       Rebuild a pod's creation path, timed, and say where it is stuck.\n"
        '  snapshot    Record what explain, audit and trace read, for offline use.\n'
        '  samples     List the bundled sample clusters.\n'
        '  rbac        Print the minimal read-only ClusterRole kubectl-arch needs.\n'
        '  lab         Build a kind cluster to learn on (needs Docker and kind).\n'
        '  version     Print the kubectl-arch version.\n'
        '  completion  Print a shell completion script (bash, zsh, fish).\n'
        '\n'
        '  Exit codes: 0 ok, 1 audit findings at or above --fail-on, 2 usage error or bad input file, 3 the cluster\n'
        '  could not be read, 4 the named object does not exist, 130 interrupted.\n'
    ),
}
