"""audit's renderers: the terminal report, JSON/YAML document, JUnit, Markdown and the catalogue."""
