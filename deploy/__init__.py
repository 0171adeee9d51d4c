"""Running Sketchsite behind nginx: the documented configuration and a local nginx that serves it."""
