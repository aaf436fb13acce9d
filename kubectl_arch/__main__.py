"""`python -m kubectl_arch` runs the plugin, handy where the console script is not on PATH."""

from kubectl_arch.cli.main import main

main()
