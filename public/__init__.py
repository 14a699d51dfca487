"""The read side: what readers and API consumers see of the published record."""
