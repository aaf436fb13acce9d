"""Renderers: they format results that analysis produced; they never read the cluster or decide anything."""
