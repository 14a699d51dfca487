"""The demo dataset built from the seed article, and `manage.py load_demo`."""
