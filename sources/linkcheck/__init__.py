"""The link checker: plain Python (no Django) so the fetch path stays fast and testable."""
