"""explain's renderers: the terminal views, the component pages, the stories and the data document."""
