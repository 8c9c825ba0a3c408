"""Build steps of build.py that are more than a few lines."""
