"""trace's renderers: the timeline, the follow printer and the data document."""
