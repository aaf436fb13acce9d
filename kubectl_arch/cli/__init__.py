"""The command line: a thin click layer that parses flags, opens a source and hands over to a command."""
