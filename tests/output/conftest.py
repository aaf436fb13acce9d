"""The in-process command line of tests/cli, for the output tests."""

from tests.cli.conftest import arch  # noqa: F401
