"""Development-only tooling, kept out of the product apps; see devtools/apps.py."""
