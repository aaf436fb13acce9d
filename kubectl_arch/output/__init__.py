"""The output layer every command shares: console, tables, wrapping, progress, structured (json/yaml) emitters
and the `-o` format mapping. It imports no command, model or collection code."""
